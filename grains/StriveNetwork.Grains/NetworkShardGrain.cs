using Microsoft.Extensions.Logging;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a network shard: the latest snapshot of each of its partnerships and its delta sequence.</summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkShardState")]
public sealed record NetworkShardState : IOutboxState<NetworkShardState, ShardDelta>
{
    /// <summary>The latest snapshot of each partnership of the shard, by id.</summary>
    [Id(0)]
    public IReadOnlyDictionary<string, PartnershipSnapshot> Snapshots { get; init; } = new Dictionary<string, PartnershipSnapshot>(StringComparer.Ordinal);

    /// <summary>Sequence of the last published <see cref="ShardDelta"/>; deltas are consecutive.</summary>
    [Id(1)]
    public long Sequence { get; init; }

    /// <summary>Deltas the network grain has not acknowledged yet, in sequence order (deltas add up: none is dropped).</summary>
    [Id(2)]
    public Outbox<ShardDelta> Outbox { get; init; } = Outbox<ShardDelta>.Empty;

    /// <inheritdoc />
    public NetworkShardState WithOutbox(Outbox<ShardDelta> outbox) => this with { Outbox = outbox };
}

/// <summary>
/// A shard of the network rollup (key "shard-NN"). A snapshot event rewrites only this shard's state (about 1/64 of
/// the network) and publishes the count changes to the network grain in the same transaction (outbox), so the
/// network grain's own state stays the size of the counts, whatever the number of partnerships.
/// </summary>
[GrainType("network-shard")]
public sealed class NetworkShardGrain(
    [PersistentState("network-shard")] IPersistentState<NetworkShardState> state,
    ILogger<NetworkShardGrain> logger,
    TimeProvider time) : OutboxGrain<NetworkShardState, ShardDelta>(state, logger, time), INetworkShardGrain
{
    private string Key => this.GetPrimaryKeyString();

    public async Task<SnapshotApplied> ApplyAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!string.Equals(GrainKeys.NetworkShardKey(snapshot.PartnershipId), Key, StringComparison.Ordinal))
        {
            throw new GrainValidationException("partnership_id", $"'{snapshot.PartnershipId}' belongs to {GrainKeys.NetworkShardKey(snapshot.PartnershipId)}, not {Key}.");
        }

        var snapshots = Stored.State.Snapshots;
        if (snapshots.TryGetValue(snapshot.PartnershipId, out var held) && held.Sequence >= snapshot.Sequence)
        {
            return new SnapshotApplied(false, null); // redelivered or older: never counted twice
        }

        var changes = RollupCounter.Change(held, snapshot);
        var delta = await CommitAsync(new Dictionary<string, PartnershipSnapshot>(snapshots, StringComparer.Ordinal) { [snapshot.PartnershipId] = snapshot }, changes, cancellationToken);
        return new SnapshotApplied(true, delta);
    }

    public Task<ShardCounts> GetCountsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Counts(Streamed()));

    public Task<ShardPage> ListAsync(PartnershipFilter filter, string afterId, int take, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        var matching = Stored.State.Snapshots.Values
            .Where(s => filter.Gateway is null || s.Gateway == filter.Gateway)
            .Where(s => filter.Designation is null || s.Designations.Contains(filter.Designation.Value))
            .Where(s => string.IsNullOrEmpty(filter.UsState) || string.Equals(s.UsState, filter.UsState, StringComparison.OrdinalIgnoreCase))
            .ToList();
        var page = matching
            .Where(s => string.CompareOrdinal(s.PartnershipId, afterId ?? string.Empty) > 0)
            .OrderBy(s => s.PartnershipId, StringComparer.Ordinal)
            .Take(Math.Max(0, take))
            .Select(s => new PartnershipListItem(s.PartnershipId, s.DisplayName, s.UsState, s.FrameworkId, s.Gateway, s.Designations))
            .ToList();
        return Task.FromResult(new ShardPage(page, matching.Count));
    }

    public Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Stored.State.Snapshots.Keys.Order(StringComparer.Ordinal)]);

    public async Task<ShardRecompute> RecomputeAsync(bool apply, CancellationToken cancellationToken = default)
    {
        var streamedCounter = Streamed();
        var streamed = Counts(streamedCounter);
        var fresh = new Dictionary<string, PartnershipSnapshot>(StringComparer.Ordinal);
        foreach (var chunk in Stored.State.Snapshots.Keys.Order(StringComparer.Ordinal).Chunk(16))
        {
            foreach (var snapshot in await Task.WhenAll(chunk.Select(id => GrainFactory.GetGrain<IPartnershipGrain>(id).GetSnapshotAsync(cancellationToken))))
            {
                fresh[snapshot.PartnershipId] = snapshot;
            }
        }

        var freshCounter = RollupCounter.From(fresh.Values);
        var changes = RollupCounter.Difference(streamedCounter, freshCounter);
        var applied = false;
        if (apply && changes.Count > 0)
        {
            await CommitAsync(fresh, changes, cancellationToken);
            applied = true;
        }

        return new ShardRecompute(streamed, new ShardCounts(Key, Stored.State.Sequence, fresh.Count, freshCounter.Copy()), applied);
    }

    /// <summary>Stores the snapshots and, when counts change, the next delta for the network grain in the same write.</summary>
    private async Task<ShardDelta?> CommitAsync(Dictionary<string, PartnershipSnapshot> snapshots, Dictionary<string, long> changes, CancellationToken cancellationToken)
    {
        if (changes.Count == 0)
        {
            await CommitAsync(Stored.State with { Snapshots = snapshots }, [], cancellationToken);
            return null;
        }

        var delta = new ShardDelta(Key, Stored.State.Sequence + 1, changes);
        await CommitAsync(
            Stored.State with { Snapshots = snapshots, Sequence = delta.Sequence },
            [new OutboundEvent<ShardDelta>(OutboxTarget.Network, GrainKeys.NetworkKey, delta, LatestOnly: false)],
            cancellationToken);
        return delta;
    }

    protected override Task DeliverAsync(OutboxEntry<ShardDelta> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return GrainFactory.GetGrain<INetworkGrain>(entry.TargetKey).ApplyDeltaAsync(entry.Payload);
    }

    // Counted when asked (resynchronisation, recomputation): rare, so no running copy has to be kept in step.
    private RollupCounter Streamed() => RollupCounter.From(Stored.State.Snapshots.Values);

    private ShardCounts Counts(RollupCounter counter) =>
        new(Key, Stored.State.Sequence, Stored.State.Snapshots.Count, counter.Copy());
}
