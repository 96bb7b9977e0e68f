using Microsoft.Extensions.Logging;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Batching;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains;

/// <summary>
/// Durable state of a network shard (docs/adr/0016): per partnership a small directory entry with the sequence it has
/// counted, the shard's summed counts, and its delta sequence. Its size grows by one directory entry per partnership,
/// not by a snapshot.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkShardState")]
public sealed record NetworkShardState : IOutboxState<NetworkShardState, ShardDelta>
{
    /// <summary>
    /// The full latest snapshot per partnership, as the shard stored it before ADR 0016; such a state is migrated into
    /// <see cref="Members"/> and <see cref="Counts"/> when the shard activates, and is null afterwards.
    /// </summary>
    [Id(0)]
    public IReadOnlyDictionary<string, PartnershipSnapshot>? Snapshots { get; init; }

    /// <summary>Sequence of the last published <see cref="ShardDelta"/>; deltas are consecutive.</summary>
    [Id(1)]
    public long Sequence { get; init; }

    /// <summary>Deltas the network grain has not acknowledged yet, in sequence order (deltas add up: none is dropped).</summary>
    [Id(2)]
    public Outbox<ShardDelta> Outbox { get; init; } = Outbox<ShardDelta>.Empty;

    /// <summary>Each partnership of the shard, by id: the counted sequence and what listing shows.</summary>
    [Id(3)]
    public IReadOnlyDictionary<string, ShardMember> Members { get; init; } = new Dictionary<string, ShardMember>(StringComparer.Ordinal);

    /// <summary>The shard's contribution to the network rollup (counts by field path) as of <see cref="Sequence"/>.</summary>
    [Id(4)]
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>When <see cref="Counts"/> last changed (default in a state stored before the shard recorded it).</summary>
    [Id(5)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <inheritdoc />
    public NetworkShardState WithOutbox(Outbox<ShardDelta> outbox) => this with { Outbox = outbox };
}

/// <summary>
/// A shard of the network rollup (key "shard-NN"). A partnership's <see cref="MemberCountChange"/> (latest − base, ADR
/// 0022) or <see cref="SnapshotUpdate"/> is counted here, stored with the shard's counts and the count delta for the
/// network grain in one write (outbox); the shard keeps no snapshot, so an update costs about the same whatever the
/// size of the network.
/// </summary>
[GrainType("network-shard")]
public sealed partial class NetworkShardGrain(
    [PersistentState("network-shard")] IPersistentState<NetworkShardState> state,
    ILogger<NetworkShardGrain> logger,
    TimeProvider time) : OutboxGrain<NetworkShardState, ShardDelta>(state, logger, time), INetworkShardGrain
{
    // Snapshot updates delivered while the shard was writing, counted together by its next write (docs/adr/0015,
    // addendum): one write per update cannot keep up when thousands of partnerships publish a second.
    private readonly WaitingBatch<MemberCountChange, SnapshotApplied> _waitingUpdates = new();
    private Receiver<INetworkGrain> _network;

    private string? _key;

    // Held: the grain id decodes its key into a new string on every call.
    private string Key => _key ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (Stored.State.Snapshots is { } legacy)
        {
            // The counts a snapshot-holding shard published were always the sum of its snapshots' contributions.
            var members = new Dictionary<string, ShardMember>(Stored.State.Members, StringComparer.Ordinal);
            var counts = RollupCounter.FromCounts(Stored.State.Counts);
            foreach (var snapshot in legacy.Values)
            {
                if (members.TryGetValue(snapshot.PartnershipId, out var held) && held.Sequence >= snapshot.Sequence)
                {
                    continue;
                }

                members[snapshot.PartnershipId] = ShardMember.Of(snapshot);
                counts.Add(snapshot, 1);
            }

            await CommitAsync(Stored.State with { Snapshots = null, Members = members, Counts = counts.Copy() }, [], cancellationToken);
            LogMigrated(logger, Key, legacy.Count);
        }
    }

    /// <summary>Interleaves (see the interface): checks the update and counts it as its change (<see cref="ApplyChangeAsync"/>).</summary>
    public Task<SnapshotApplied> ApplyAsync(SnapshotUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var latest = update.Latest ?? throw new GrainValidationException("latest", "is required.");
        if (update.Base is { } b && !string.Equals(b.PartnershipId, latest.PartnershipId, StringComparison.Ordinal))
        {
            throw new GrainValidationException("base", "is a snapshot of another partnership.");
        }

        return ApplyChangeAsync(ShardUpdates.ToChange(update), cancellationToken);
    }

    /// <summary>Interleaves (see the interface): checks the change, then adds it to the waiting batch, which <see cref="ApplyWaitingUpdatesAsync"/> counts.</summary>
    public Task<SnapshotApplied> ApplyChangeAsync(MemberCountChange change, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(change);
        var partnershipId = change.Member?.PartnershipId ?? throw new GrainValidationException("member", "is required.");
        if (!string.Equals(GrainKeys.NetworkShardKey(partnershipId), Key, StringComparison.Ordinal))
        {
            throw new GrainValidationException("partnership_id", $"'{partnershipId}' belongs to {GrainKeys.NetworkShardKey(partnershipId)}, not {Key}.");
        }

        if (ShardUpdates.Classify(Stored.State.Members.GetValueOrDefault(partnershipId), change) == ShardUpdateKind.Duplicate)
        {
            return Task.FromResult(new SnapshotApplied(false, null)); // redelivered or older: never counted twice
        }

        if (change.BaseSequence < 0 || change.Sequence <= change.BaseSequence || change.Counts is null)
        {
            throw new GrainValidationException("sequence", "must follow the base sequence, with the counts.");
        }

        return _waitingUpdates.Add(
            change,
            () => this.AsReference<INetworkShardGrain>().ApplyWaitingUpdatesAsync(),
            () => new InvalidOperationException($"Network shard '{Key}' did not count the snapshot update; deliver it again."));
    }

    public Task ApplyWaitingUpdatesAsync(CancellationToken cancellationToken = default) =>
        _waitingUpdates.WriteAsync(updates => CountAsync(updates, cancellationToken));

    /// <summary>
    /// Counts <paramref name="updates"/> in arrival order, as applying them one by one would (each classified against
    /// the entry the ones before it left), and stores them with one delta in one write. A broken chain makes the shard
    /// recount itself from its partnerships after that write.
    /// </summary>
    private async Task<IReadOnlyList<SnapshotApplied>> CountAsync(IReadOnlyList<MemberCountChange> updates, CancellationToken cancellationToken)
    {
        var members = new Dictionary<string, ShardMember>(Stored.State.Members, StringComparer.Ordinal);
        var changes = new RollupCounter();
        var kinds = new ShardUpdateKind[updates.Count];
        for (var i = 0; i < updates.Count; i++)
        {
            var partnershipId = updates[i].Member.PartnershipId;
            kinds[i] = ShardUpdates.Classify(members.GetValueOrDefault(partnershipId), updates[i]);
            if (kinds[i] == ShardUpdateKind.Counted)
            {
                members[partnershipId] = ShardMember.Of(updates[i]);
                changes.Apply(updates[i].Counts);
            }
        }

        var counted = kinds.Contains(ShardUpdateKind.Counted)
            ? await CommitAsync(members, changes.Detach(), cancellationToken)
            : null;
        ShardDelta? recounted = null;
        if (kinds.Contains(ShardUpdateKind.BrokenChain))
        {
            // The outbox never breaks the chain (ADR 0016); an update stored before it, or one forged by hand, can. The
            // shard cannot know what the partnership's held snapshot contributed, so it recounts all.
            foreach (var broken in updates.Where((_, i) => kinds[i] == ShardUpdateKind.BrokenChain))
            {
                var held = Stored.State.Members.GetValueOrDefault(broken.Member.PartnershipId);
                LogBrokenChain(logger, Key, broken.Member.PartnershipId, held?.Sequence ?? 0, broken.BaseSequence, broken.BaseUnknown);
            }

            var before = Stored.State.Sequence;
            var recompute = await RecomputeAsync(apply: true, cancellationToken);
            recounted = recompute.Applied && Stored.State.Sequence > before ? Stored.State.Outbox.Entries.LastOrDefault()?.Payload : null;
        }

        return [.. kinds.Select(kind => kind switch
        {
            ShardUpdateKind.Counted => new SnapshotApplied(true, counted),
            ShardUpdateKind.BrokenChain => new SnapshotApplied(true, recounted),
            _ => new SnapshotApplied(false, null),
        })];
    }

    public Task<ShardCounts> GetCountsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Counts());

    public Task<ShardPage> ListAsync(PartnershipFilter filter, string afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = Stored.State.Members
            .Where(m => filter.Gateway is null || m.Value.Gateway == filter.Gateway)
            .Where(m => filter.Designation is null || m.Value.Designations.Contains(filter.Designation.Value))
            .Where(m => string.IsNullOrEmpty(filter.UsState) || string.Equals(m.Value.UsState, filter.UsState, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var page = matching
            .Where(m => string.CompareOrdinal(m.Key, afterId ?? string.Empty) > 0)
            .OrderBy(m => m.Key, StringComparer.Ordinal)
            .Take(Math.Max(0, take))
            .Select(m => m.Value.ToListItem(m.Key))
            .ToList();
        return Task.FromResult(new ShardPage(page, matching.Count));
    }

    public Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Stored.State.Members.Keys.Order(StringComparer.Ordinal)]);

    public async Task<ShardRecompute> RecomputeAsync(bool apply, CancellationToken cancellationToken = default)
    {
        var streamed = Counts();
        var fresh = new Dictionary<string, PartnershipSnapshot>(StringComparer.Ordinal);
        foreach (var chunk in Stored.State.Members.Keys.Order(StringComparer.Ordinal).Chunk(16))
        {
            // With apply, each partnership first publishes what changed, so the snapshot counted here is the base of
            // its next update; without, nothing is written anywhere.
            var snapshots = await Task.WhenAll(chunk.Select(id => apply
                ? GrainFactory.GetGrain<IPartnershipGrain>(id).PublishSnapshotAsync(cancellationToken)
                : GetSnapshotAsync(id, cancellationToken)));
            foreach (var snapshot in snapshots.OfType<PartnershipSnapshot>())
            {
                fresh[snapshot.PartnershipId] = snapshot;
            }
        }

        var freshCounter = RollupCounter.From(fresh.Values);
        var changes = RollupCounter.Difference(RollupCounter.FromCounts(Stored.State.Counts), freshCounter);
        var members = fresh.Values.ToDictionary(s => s.PartnershipId, ShardMember.Of, StringComparer.Ordinal);
        var applied = false;
        if (apply && (changes.Count > 0 || !SameMembers(members)))
        {
            await CommitAsync(members, changes, cancellationToken);
            applied = true;
        }

        return new ShardRecompute(streamed, new ShardCounts(Key, Stored.State.Sequence, fresh.Count, freshCounter.Copy(), Stored.State.UpdateTime), applied);
    }

    private async Task<PartnershipSnapshot?> GetSnapshotAsync(string partnershipId, CancellationToken cancellationToken) =>
        await GrainFactory.GetGrain<IPartnershipGrain>(partnershipId).GetSnapshotAsync(cancellationToken);

    private bool SameMembers(Dictionary<string, ShardMember> members) =>
        members.Count == Stored.State.Members.Count &&
        members.All(m => Stored.State.Members.TryGetValue(m.Key, out var held) && held.SameAs(m.Value));

    /// <summary>Stores the members, the counts changed by <paramref name="changes"/> and, when counts change, the next delta for the network grain, in one write.</summary>
    private async Task<ShardDelta?> CommitAsync(Dictionary<string, ShardMember> members, Dictionary<string, long> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            await CommitAsync(Stored.State with { Members = members }, [], cancellationToken);
            return null;
        }

        var counts = RollupCounter.FromCounts(Stored.State.Counts);
        counts.Apply(changes);
        var delta = new ShardDelta(Key, Stored.State.Sequence + 1, changes, Time.GetUtcNow());
        await CommitAsync(
            Stored.State with { Members = members, Counts = counts.Detach(), Sequence = delta.Sequence, UpdateTime = delta.UpdateTime },
            [new OutboundEvent<ShardDelta>(OutboxTarget.Network, GrainKeys.NetworkKey, delta, LatestOnly: false)],
            cancellationToken);
        return delta;
    }

    protected override Task DeliverAsync(OutboxEntry<ShardDelta> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return _network.Get(GrainFactory, entry.TargetKey).ApplyDeltaAsync(entry.Payload);
    }

    private ShardCounts Counts() =>
        new(Key, Stored.State.Sequence, Stored.State.Members.Count, new Dictionary<string, long>(Stored.State.Counts, StringComparer.Ordinal), Stored.State.UpdateTime);

    [LoggerMessage(EventId = 5310, EventName = "ShardMigrated", Level = LogLevel.Information,
        Message = "Network shard {ShardKey}: {PartnershipCount} stored snapshot(s) replaced by directory entries and counts (ADR 0016)")]
    private static partial void LogMigrated(ILogger logger, string shardKey, int partnershipCount);

    [LoggerMessage(EventId = 5311, EventName = "ShardUpdateChainBroken", Level = LogLevel.Warning,
        Message = "Network shard {ShardKey}: update of {PartnershipId} is based on sequence {BaseSequence} (unknown: {BaseUnknown}) but {HeldSequence} is counted; recomputing the shard")]
    private static partial void LogBrokenChain(ILogger logger, string shardKey, string partnershipId, long heldSequence, long? baseSequence, bool baseUnknown);
}
