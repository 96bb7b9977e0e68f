using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Batching;
using StriveNetwork.Grains.Requests;

namespace StriveNetwork.Grains;

/// <summary>
/// Durable state of the network grain: the summed counts of every shard and the last delta applied per shard.
/// Its size depends on the number of counted fields (years, outcomes), not on the number of partnerships.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkState")]
public sealed record NetworkState
{
    /// <summary>Summed counts by field path.</summary>
    [Id(0)]
    public IReadOnlyDictionary<string, long> Counts { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>The last delta sequence applied per shard.</summary>
    [Id(1)]
    public IReadOnlyDictionary<string, long> ShardSequences { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);

    /// <summary>Rollup version: bumped on every change.</summary>
    [Id(2)]
    public long Version { get; init; }

    /// <summary>When the rollup last changed.</summary>
    [Id(3)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>The client request ids of recent applied recomputations, recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;
}

/// <summary>
/// The network rollup (key "network"): the sum of the <see cref="NetworkShardGrain"/>s' contributions, kept by
/// applying their deltas, so an event costs O(1) here and a small write in its shard (docs/adr/0016). A missing delta (a
/// sequence gap) triggers a resynchronisation from the shards' counts.
/// </summary>
[GrainType("network")]
public sealed class NetworkGrain(
    [PersistentState("network")] IPersistentState<NetworkState> state,
    RequestRecorder requests,
    ILogger<NetworkGrain> logger,
    TimeProvider time) : Grain, INetworkGrain
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;
    private readonly ObserverManager<INetworkRollupObserver> _watchers = new(NetworkWatch.SubscriptionLifetime, logger);
    private NetworkRollup? _materialized;

    // Shard deltas delivered while the network was writing, stored together by its next write (docs/adr/0015,
    // addendum): at thousands of updates a second one network write per delta cannot keep up.
    private readonly WaitingBatch<ShardDelta> _waitingDeltas = new();

    public Task<NetworkRollup> GetRollupAsync(CancellationToken cancellationToken = default) => Task.FromResult(Rollup());

    public Task<NetworkRollup> SubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _watchers.Subscribe(observer, observer);
        return Task.FromResult(Rollup());
    }

    public Task UnsubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(observer);
        _watchers.Unsubscribe(observer);
        return Task.CompletedTask;
    }

    public async Task<PartnershipPage> ListPartnershipsAsync(PartnershipFilter filter, int pageSize, string pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        if (pageSize < 0)
        {
            throw new GrainValidationException("page_size", $"{pageSize} is negative.");
        }

        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var filterKey = $"{filter.Gateway}|{filter.Designation}|{filter.UsState?.ToUpperInvariant()}";
        var after = string.Empty;
        if (!string.IsNullOrEmpty(pageToken))
        {
            string decoded;
            try
            {
                decoded = Encoding.UTF8.GetString(Convert.FromBase64String(pageToken));
            }
            catch (FormatException)
            {
                throw new GrainValidationException("page_token", "is malformed.");
            }

            var parts = decoded.Split('\n');
            if (parts.Length != 2 || !string.Equals(parts[0], filterKey, StringComparison.Ordinal))
            {
                throw new GrainValidationException("page_token", "is malformed or was issued for different filters.");
            }

            after = parts[1];
        }

        // Each shard returns its first size + 1 matches after the cursor; the merge keeps the first size + 1.
        var pages = await Task.WhenAll(Shards().Select(shard => shard.ListAsync(filter, after, size + 1, cancellationToken)));
        var page = pages.SelectMany(p => p.Partnerships).OrderBy(p => p.PartnershipId, StringComparer.Ordinal).Take(size + 1).ToList();
        var more = page.Count > size;
        var items = page.Take(size).ToList();
        var next = more ? Convert.ToBase64String(Encoding.UTF8.GetBytes($"{filterKey}\n{items[^1].PartnershipId}")) : string.Empty;
        return new PartnershipPage(items, next, pages.Sum(p => p.MatchingCount));
    }

    public async Task<RecomputeReport> RecomputeAsync(bool apply, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        // Without apply the call only reads: nothing to record, and a retry simply compares again.
        request = apply ? request : null;
        if (requests.Replay(state.State.Requests, request) is { } replay)
        {
            var first = replay.Recompute ?? throw RequestRecorder.Reused();
            return new RecomputeReport(first.Consistent, first.Differences, Rollup(), first.Applied, first.PartnershipCount);
        }

        var shards = await Task.WhenAll(Shards().Select(shard => shard.RecomputeAsync(apply, cancellationToken)));
        var recomputed = RollupCounter.FromCounts(shards.SelectMany(s => s.Fresh.Counts));
        var differences = RollupCounter.Compare(RollupCounter.FromCounts(state.State.Counts), recomputed);
        var applied = apply && (differences.Count > 0 || shards.Any(s => s.Applied));
        var partnershipCount = shards.Sum(s => s.Fresh.PartnershipCount);
        var logged = requests.Record(
            state.State.Requests, request, new RequestResult { Recompute = new RecomputeOutcome(differences.Count == 0, differences, applied, partnershipCount) });
        if (applied)
        {
            // Deltas still in flight carry sequences at or below the ones taken here, so they are skipped later.
            await ReplaceAsync(recomputed, shards.Select(s => s.Fresh), logged, cancellationToken);
        }
        else if (request is not null)
        {
            await StateWrites.ReplaceAsync(state, state.State with { Requests = logged }, DeactivateOnIdle, cancellationToken);
        }

        var rollup = recomputed.Materialize(state.State.Version, state.State.UpdateTime, time.GetUtcNow().Year);
        return new RecomputeReport(differences.Count == 0, differences, rollup, applied, partnershipCount);
    }

    public async Task<bool> ApplySnapshotAsync(SnapshotUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var result = await GrainFactory.GetGrain<INetworkShardGrain>(GrainKeys.NetworkShardKey(update.Latest.PartnershipId)).ApplyAsync(update, cancellationToken);
        if (result.Delta is { } delta)
        {
            await ApplyDeltasNowAsync([delta], cancellationToken); // the same delta from the stream is skipped later
        }

        return result.Applied;
    }

    public async Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await Task.WhenAll(Shards().Select(shard => shard.GetPartnershipIdsAsync(cancellationToken)));
        return [.. ids.SelectMany(i => i).Order(StringComparer.Ordinal)];
    }

    /// <summary>Interleaves (see the interface): adds the delta to the waiting batch, which <see cref="ApplyWaitingDeltasAsync"/> writes.</summary>
    public Task ApplyDeltaAsync(ShardDelta delta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (delta.Sequence <= state.State.ShardSequences.GetValueOrDefault(delta.ShardKey))
        {
            return Task.CompletedTask; // redelivered, or already included by a resynchronisation
        }

        return _waitingDeltas.Add(
            delta,
            () => this.AsReference<INetworkGrain>().ApplyWaitingDeltasAsync(),
            () => new InvalidOperationException("The network did not apply the shard delta; deliver it again."));
    }

    public Task ApplyWaitingDeltasAsync(CancellationToken cancellationToken = default) =>
        _waitingDeltas.WriteAsync(deltas => ApplyDeltasNowAsync(deltas, cancellationToken));

    /// <summary>
    /// Applies the deltas in one write, each shard's in sequence order: a delta at or below the shard's applied sequence
    /// is skipped, the next one is applied, and one after a gap (a delta went missing, e.g. dead-lettered) makes the
    /// network take every shard's current counts instead.
    /// </summary>
    private async Task ApplyDeltasNowAsync(IReadOnlyList<ShardDelta> deltas, CancellationToken cancellationToken)
    {
        var next = RollupCounter.FromCounts(state.State.Counts);
        var sequences = new Dictionary<string, long>(state.State.ShardSequences, StringComparer.Ordinal);
        var changed = false;
        foreach (var delta in deltas.OrderBy(d => d.ShardKey, StringComparer.Ordinal).ThenBy(d => d.Sequence))
        {
            var last = sequences.GetValueOrDefault(delta.ShardKey);
            if (delta.Sequence <= last)
            {
                continue;
            }

            if (delta.Sequence != last + 1)
            {
                var counts = await Task.WhenAll(Shards().Select(shard => shard.GetCountsAsync(cancellationToken)));
                await ReplaceAsync(RollupCounter.FromCounts(counts.SelectMany(c => c.Counts)), counts, state.State.Requests, cancellationToken);
                return;
            }

            next.Apply(delta.Changes);
            sequences[delta.ShardKey] = delta.Sequence;
            changed = true;
        }

        if (changed)
        {
            await CommitAsync(next, sequences, state.State.Requests, cancellationToken);
        }
    }

    private Task ReplaceAsync(RollupCounter counts, IEnumerable<ShardCounts> shards, RequestLog requestLog, CancellationToken cancellationToken) =>
        CommitAsync(counts, shards.ToDictionary(s => s.ShardKey, s => s.Sequence, StringComparer.Ordinal), requestLog, cancellationToken);

    private async Task CommitAsync(RollupCounter counts, Dictionary<string, long> sequences, RequestLog requestLog, CancellationToken cancellationToken)
    {
        var next = new NetworkState
        {
            Counts = counts.Copy(),
            ShardSequences = sequences,
            Version = state.State.Version + 1,
            UpdateTime = time.GetUtcNow(),
            Requests = requestLog,
        };
        await StateWrites.ReplaceAsync(state, next, DeactivateOnIdle, cancellationToken);
        Changed();
    }

    private IEnumerable<INetworkShardGrain> Shards() => GrainKeys.NetworkShardKeys.Select(key => GrainFactory.GetGrain<INetworkShardGrain>(key));

    private void Changed()
    {
        if (_watchers.Count > 0)
        {
            var rollup = Rollup();
            _watchers.Notify(w => w.OnRollupChanged(rollup));
        }
    }

    private NetworkRollup Rollup() =>
        _materialized is { } m && m.Version == state.State.Version
            ? m
            : _materialized = RollupCounter.FromCounts(state.State.Counts).Materialize(state.State.Version, state.State.UpdateTime, time.GetUtcNow().Year);
}
