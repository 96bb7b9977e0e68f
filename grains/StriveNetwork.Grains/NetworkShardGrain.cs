using StriveNetwork.Actors;
using StriveNetwork.Actors.Streams;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a network shard: the latest snapshot of each of its partnerships and its delta sequence.</summary>
public sealed class NetworkShardState
{
    public Dictionary<string, PartnershipSnapshot> Snapshots { get; set; } = new(StringComparer.Ordinal);

    /// <summary>Sequence of the last published <see cref="ShardDelta"/>; deltas are consecutive.</summary>
    public long Sequence { get; set; }
}

/// <summary>
/// A shard of the network rollup (key "shard-NN"). A snapshot event rewrites only this shard's state (about 1/64 of
/// the network) and publishes the count changes to the network grain in the same transaction (outbox), so the
/// network grain's own state stays the size of the counts, whatever the number of partnerships.
/// </summary>
[GrainType("network-shard")]
[ImplicitStreamSubscription(GrainStreams.NetworkShards)]
public sealed class NetworkShardGrain(
    [PersistentState("network-shard")] IPersistentState<NetworkShardState> state) : Grain, INetworkShardGrain, IStreamSubscriber
{
    public async Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        await ApplyAsync(streamEvent.GetPayload<PartnershipSnapshot>(), cancellationToken);
    }

    public async Task<SnapshotApplied> ApplyAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!string.Equals(GrainStreams.NetworkShardKey(snapshot.PartnershipId), GrainKey, StringComparison.Ordinal))
        {
            throw new GrainValidationException("partnership_id", $"'{snapshot.PartnershipId}' belongs to {GrainStreams.NetworkShardKey(snapshot.PartnershipId)}, not {GrainKey}.");
        }

        var snapshots = state.State.Snapshots;
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
        var matching = state.State.Snapshots.Values
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
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Snapshots.Keys.Order(StringComparer.Ordinal)]);

    public async Task<ShardRecompute> RecomputeAsync(bool apply, CancellationToken cancellationToken = default)
    {
        var streamedCounter = Streamed();
        var streamed = Counts(streamedCounter);
        var fresh = new Dictionary<string, PartnershipSnapshot>(StringComparer.Ordinal);
        foreach (var chunk in state.State.Snapshots.Keys.Order(StringComparer.Ordinal).Chunk(16))
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

        return new ShardRecompute(streamed, new ShardCounts(GrainKey, state.State.Sequence, fresh.Count, freshCounter.Copy()), applied);
    }

    /// <summary>Stores the snapshots and, when counts change, publishes the next delta in the same write.</summary>
    private async Task<ShardDelta?> CommitAsync(Dictionary<string, PartnershipSnapshot> snapshots, Dictionary<string, long> changes, CancellationToken cancellationToken)
    {
        ShardDelta? delta = null;
        var sequence = state.State.Sequence;
        if (changes.Count > 0)
        {
            delta = new ShardDelta(GrainKey, ++sequence, changes);
            StageEvent(GrainStreams.Network, GrainStreams.NetworkKey, delta);
        }

        await StateWrites.ReplaceAsync(state, new NetworkShardState { Snapshots = snapshots, Sequence = sequence }, DeactivateOnIdle, cancellationToken);

        return delta;
    }

    // Counted when asked (resynchronisation, recomputation): rare, so no running copy has to be kept in step.
    private RollupCounter Streamed() => RollupCounter.From(state.State.Snapshots.Values);

    private ShardCounts Counts(RollupCounter counter) =>
        new(GrainKey, state.State.Sequence, state.State.Snapshots.Count, counter.Copy());
}
