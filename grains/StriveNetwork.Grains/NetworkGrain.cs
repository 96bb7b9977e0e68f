using System.Text;
using Microsoft.Extensions.Logging;
using Orleans.Utilities;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Requests;

namespace StriveNetwork.Grains;

/// <summary>
/// Durable state of the network grain: only what the shards cannot give back (docs/adr/0021). The counts are the
/// shards', taken from them on activation; a row stored before that also held counts and per-shard sequences, which
/// are ignored when read.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkState")]
public sealed record NetworkState
{
    /// <summary>
    /// The last rollup version stored while the network kept its own counts (0 for a network created since). Rollup
    /// versions count on from it, so a watcher never sees a version go back across that change.
    /// </summary>
    [Id(2)]
    public long Version { get; init; }

    /// <summary>When the rollup last changed as of that last stored version: the earliest time the rollup shows.</summary>
    [Id(3)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>The client request ids of recent applied recomputations, recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;
}

/// <summary>
/// The network rollup (key "network"): the sum of the <see cref="NetworkShardGrain"/>s' contributions. It takes every
/// shard's stored counts when it activates and then applies their deltas, so an event costs O(1) here and a small
/// write in its shard (docs/adr/0016). It stores no counts of its own (docs/adr/0021): a delta is counted as soon as
/// it arrives, and its watchers see it without waiting for a write. A missing delta (a sequence gap) makes it take
/// that shard's counts.
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
    private static readonly HashSet<string> ShardKeys = new(GrainKeys.NetworkShardKeys, StringComparer.Ordinal);
    private readonly ObserverManager<INetworkRollupObserver> _watchers = new(NetworkWatch.SubscriptionLifetime, logger);
    private readonly NetworkContributions _contributions = new();
    private NetworkRollup? _materialized;
    private bool _notificationDue;

    /// <summary>
    /// The rollup version: the stored base plus one per delta the shards have stored (the sum of their sequences), so
    /// the same counts have the same version in every activation, and one per repair of this activation's copy.
    /// </summary>
    private long Version => state.State.Version + _contributions.SequenceSum + _contributions.Repairs;

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        Take(await Task.WhenAll(Shards().Select(shard => shard.GetCountsAsync(cancellationToken))));
    }

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

        // The streamed rollup as the call found it: deltas interleave while the shards recompute, and the ones the
        // recomputation itself publishes would otherwise hide the difference it repairs.
        var streamed = RollupCounter.FromCounts(_contributions.Total.Counts);
        var shards = await Task.WhenAll(Shards().Select(shard => shard.RecomputeAsync(apply, cancellationToken)));
        var recomputed = RollupCounter.FromCounts(shards.SelectMany(s => s.Fresh.Counts));
        var differences = RollupCounter.Compare(streamed, recomputed);
        var applied = apply && (differences.Count > 0 || shards.Any(s => s.Applied));
        var partnershipCount = shards.Sum(s => s.Fresh.PartnershipCount);
        if (applied && Take(shards.Select(s => s.Fresh)))
        {
            Changed();
        }

        if (request is not null)
        {
            var logged = requests.Record(
                state.State.Requests, request, new RequestResult { Recompute = new RecomputeOutcome(differences.Count == 0, differences, applied, partnershipCount) });
            await StateWrites.ReplaceAsync(state, state.State with { Requests = logged }, DeactivateOnIdle, cancellationToken);
        }

        var rollup = recomputed.Materialize(Version, UpdateTime, time.GetUtcNow().Year);
        return new RecomputeReport(differences.Count == 0, differences, rollup, applied, partnershipCount);
    }

    public async Task<bool> ApplySnapshotAsync(SnapshotUpdate update, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        var result = await GrainFactory.GetGrain<INetworkShardGrain>(GrainKeys.NetworkShardKey(update.Latest.PartnershipId)).ApplyAsync(update, cancellationToken);
        if (result.Delta is { } delta)
        {
            await ApplyDeltaAsync(delta, cancellationToken); // the same delta from the stream is skipped later
        }

        return result.Applied;
    }

    public async Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default)
    {
        var ids = await Task.WhenAll(Shards().Select(shard => shard.GetPartnershipIdsAsync(cancellationToken)));
        return [.. ids.SelectMany(i => i).Order(StringComparer.Ordinal)];
    }

    /// <summary>
    /// Interleaves (see the interface): counts the delta when it is its shard's next sequence. After a gap (a delta went
    /// missing, e.g. dead-lettered) it takes that shard's stored counts instead: they include this delta, which the
    /// shard stored before sending it.
    /// </summary>
    public async Task ApplyDeltaAsync(ShardDelta delta, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(delta);
        if (!ShardKeys.Contains(delta.ShardKey))
        {
            // Counted, it would stay in the rollup until the network deactivates: no shard would ever take it back.
            throw new GrainValidationException("shard_key", "is not one of the network's shards.");
        }

        var outcome = _contributions.Apply(delta);
        if (outcome == DeltaOutcome.Gap)
        {
            // Interleaved calls may apply newer deltas of that shard meanwhile; Take then keeps those.
            var counts = await GrainFactory.GetGrain<INetworkShardGrain>(delta.ShardKey).GetCountsAsync(cancellationToken);
            if (_contributions.Take(counts))
            {
                Changed();
            }
        }
        else if (outcome == DeltaOutcome.Applied)
        {
            Changed();
        }
    }

    private bool Take(IEnumerable<ShardCounts> shards)
    {
        var changed = false;
        foreach (var counts in shards)
        {
            changed |= _contributions.Take(counts);
        }

        return changed;
    }

    private IEnumerable<INetworkShardGrain> Shards() => GrainKeys.NetworkShardKeys.Select(key => GrainFactory.GetGrain<INetworkShardGrain>(key));

    /// <summary>
    /// Tells the watchers, once for every change made before this activation's next turn: deltas arrive one call
    /// each, and a rollup materialized per delta would cost more than counting them.
    /// </summary>
    private void Changed()
    {
        if (_watchers.Count == 0 || _notificationDue)
        {
            return;
        }

        _notificationDue = true;
        _ = NotifyAsync();

        async Task NotifyAsync()
        {
            await Task.Yield(); // on the activation's scheduler: after the calls already queued
            _notificationDue = false;
            NotifyWatchers();
        }
    }

    private void NotifyWatchers()
    {
        var rollup = Rollup();
        _watchers.Notify(w => w.OnRollupChanged(rollup));
    }

    private DateTimeOffset UpdateTime => _contributions.UpdateTime > state.State.UpdateTime ? _contributions.UpdateTime : state.State.UpdateTime;

    private NetworkRollup Rollup() =>
        _materialized is { } m && m.Version == Version
            ? m
            : _materialized = _contributions.Total.Materialize(Version, UpdateTime, time.GetUtcNow().Year);
}
