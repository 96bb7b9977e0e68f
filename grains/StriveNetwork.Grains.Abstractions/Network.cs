using Orleans.Concurrency;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>Partnerships per gateway of one framework version (gateways in framework order).</summary>
[GenerateSerializer, Immutable, Alias("strive.FrameworkGatewayCounts")]
public sealed record FrameworkGatewayCounts(string FrameworkId, int PartnershipCount, IReadOnlyList<StageCount> Gateways);

/// <summary>The network as of the end of one calendar year.</summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkYear")]
public sealed record NetworkYear(
    int Year,
    int PartnershipCount,
    IReadOnlyList<StageCount> Gateways,
    IReadOnlyList<DesignationCount> Designations,
    IReadOnlyList<OutcomeTrendCount> OutcomeTrends,
    GapChangeCounts Gaps);

/// <summary>The network rollup (strive.v1 NetworkRollup). Counts of partnerships and gaps only.</summary>
[GenerateSerializer, Immutable, Alias("strive.NetworkRollup")]
public sealed record NetworkRollup(
    long Version,
    DateTimeOffset UpdateTime,
    int PartnershipCount,
    IReadOnlyList<StageCount> Gateways,
    IReadOnlyList<FrameworkGatewayCounts> Frameworks,
    IReadOnlyList<DesignationCount> Designations,
    IReadOnlyList<OutcomeTrendCount> OutcomeTrends,
    GapChangeCounts Gaps,
    IReadOnlyList<OutcomeGapCounts> GapsByOutcome,
    IReadOnlyList<NetworkYear> History);

/// <summary>A differing field between the streamed and the recomputed rollup.</summary>
[GenerateSerializer, Immutable, Alias("strive.RollupDifference")]
public sealed record RollupDifference(string Path, string Streamed, string Recomputed);

/// <summary>The result of RecomputeAsync.</summary>
[GenerateSerializer, Immutable, Alias("strive.RecomputeReport")]
public sealed record RecomputeReport(bool Consistent, IReadOnlyList<RollupDifference> Differences, NetworkRollup Recomputed, bool Applied, int PartnershipCount);

/// <summary>A partnership as listed by the network.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipListItem")]
public sealed record PartnershipListItem(string PartnershipId, string DisplayName, string UsState, string FrameworkId, GatewayStage Gateway, IReadOnlyList<Designation> Designations);

/// <summary>Filters of ListPartnerships (null = any); <see cref="UsState"/> is compared case-insensitively.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipFilter")]
public sealed record PartnershipFilter(GatewayStage? Gateway, Designation? Designation, string? UsState);

/// <summary>A page of partnerships; <see cref="NextPageToken"/> is empty on the last page.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipPage")]
public sealed record PartnershipPage(IReadOnlyList<PartnershipListItem> Partnerships, string NextPageToken, int TotalSize);

/// <summary>
/// The network rollup (key <see cref="GrainKeys.NetworkKey"/>): the sum of the shards' contributions, taken from the
/// <see cref="INetworkShardGrain"/>s when it activates and kept by their <see cref="ShardDelta"/> events; derived,
/// never stored (docs/adr/0021).
/// </summary>
[Alias("strive.INetworkGrain")]
public interface INetworkGrain : IGrainWithStringKey
{
    /// <summary>The current rollup.</summary>
    [Alias("GetRollupAsync")]
    Task<NetworkRollup> GetRollupAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Subscribes a watcher (a grain observer) and returns the current rollup; the watcher then gets every later
    /// version (slow watchers may skip versions). A subscription lapses after
    /// <see cref="NetworkWatch.SubscriptionLifetime"/> unless renewed by subscribing again.
    /// </summary>
    [Alias("SubscribeAsync")]
    Task<NetworkRollup> SubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default);

    /// <summary>Ends a watcher's subscription (idempotent).</summary>
    [Alias("UnsubscribeAsync")]
    Task UnsubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivered from a shard's outbox: applies the delta when it is the shard's next sequence, skips it when it was
    /// already applied, and takes that shard's stored counts when one went missing. The network stores no counts
    /// (docs/adr/0021): the call completes once the delta is counted in this activation, which its shard's stored
    /// counts will always rebuild. Interleaves: it never waits for another call.
    /// </summary>
    [AlwaysInterleave]
    [Alias("ApplyDeltaAsync")]
    Task ApplyDeltaAsync(ShardDelta delta, CancellationToken cancellationToken = default);

    /// <summary>
    /// Pages partnerships by id. <paramref name="pageSize"/> 0 = 50, capped at 500. Errors:
    /// <see cref="GrainValidationException"/> (negative size, malformed token or one for other filters).
    /// </summary>
    [Alias("ListPartnershipsAsync")]
    Task<PartnershipPage> ListPartnershipsAsync(PartnershipFilter filter, int pageSize, string pageToken, CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks every known partnership for a fresh snapshot, recomputes and reports differences; <paramref name="apply"/>
    /// replaces the streamed state. With <paramref name="apply"/> and a <paramref name="request"/> key, a retry of a
    /// recorded call answers its first report (with the rollup as it is now) and applies nothing again.
    /// </summary>
    [Alias("RecomputeAsync")]
    Task<RecomputeReport> RecomputeAsync(bool apply, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Applies one snapshot update as if a partnership's outbox delivered it (idempotent by sequence), through its
    /// shard, and the shard's delta at once. Returns true when the shard took the update.
    /// </summary>
    [Alias("ApplySnapshotAsync")]
    Task<bool> ApplySnapshotAsync(SnapshotUpdate update, CancellationToken cancellationToken = default);

    /// <summary>Ids of the partnerships the rollup holds (registered ones), ascending.</summary>
    [Alias("GetPartnershipIdsAsync")]
    Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// A shard's contribution to the network rollup: counts by field path, as of its <see cref="Sequence"/>, and when the
/// shard last changed them (default for a shard stored before it recorded that).
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.ShardCounts")]
public sealed record ShardCounts(string ShardKey, long Sequence, int PartnershipCount, IReadOnlyDictionary<string, long> Counts, DateTimeOffset UpdateTime = default);

/// <summary>
/// One change of a shard's contribution (count changes by field path); sequences are consecutive per shard.
/// <paramref name="UpdateTime"/> is when the shard stored it (default in a delta stored before it recorded that).
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.ShardDelta")]
public sealed record ShardDelta(string ShardKey, long Sequence, IReadOnlyDictionary<string, long> Changes, DateTimeOffset UpdateTime = default);

/// <summary>
/// A partnership's event for its network shard (docs/adr/0016): the snapshot the shard has counted for it
/// (<paramref name="Base"/>, null before the first) and the new one (<paramref name="Latest"/>). The shard applies
/// <c>contribution(Latest) − contribution(Base)</c> when the sequence it holds for the partnership is Base's, so it
/// never needs to keep the snapshots themselves. When the outbox coalesces pending updates it keeps the oldest Base
/// and the newest Latest, so the chain of bases stays unbroken.
/// </summary>
/// <param name="BaseUnknown">
/// True for an update whose base was never recorded (an outbox entry stored before ADR 0016): the shard then counts
/// it only by recomputing from its partnerships, unless it already holds that sequence.
/// </param>
[GenerateSerializer, Immutable, Alias("strive.SnapshotUpdate")]
public sealed record SnapshotUpdate(PartnershipSnapshot? Base, PartnershipSnapshot Latest, bool BaseUnknown = false);

/// <summary>
/// A partnership's change to its network shard's counts (docs/adr/0022): what going from the snapshot the shard has
/// counted (<paramref name="BaseSequence"/>, 0 before the first) to snapshot <paramref name="Sequence"/> changes in the
/// counts, and what the shard lists of the partnership at <paramref name="Sequence"/>. It is
/// <c>contribution(Latest) − contribution(Base)</c> of a <see cref="SnapshotUpdate"/>, computed by the partnership, so
/// that its outbox stores a few counts instead of two snapshots; merged pending changes add their counts.
/// </summary>
/// <param name="BaseUnknown">True when the base was never recorded (see <see cref="SnapshotUpdate.BaseUnknown"/>); the counts then mean nothing.</param>
/// <param name="Member">The partnership as the shard lists it at <paramref name="Sequence"/>.</param>
/// <param name="Counts">Count changes by field path (no zeros).</param>
[GenerateSerializer, Immutable, Alias("strive.MemberCountChange")]
public sealed record MemberCountChange(long BaseSequence, bool BaseUnknown, long Sequence, PartnershipListItem Member, IReadOnlyDictionary<string, long> Counts);

/// <summary>The outcome of giving a snapshot to a shard: whether it was taken, and the delta it published (null when no count changed).</summary>
[GenerateSerializer, Immutable, Alias("strive.SnapshotApplied")]
public sealed record SnapshotApplied(bool Applied, ShardDelta? Delta);

/// <summary>The partnerships of one shard matching a filter: up to the requested number after an id, and how many match in all.</summary>
[GenerateSerializer, Immutable, Alias("strive.ShardPage")]
public sealed record ShardPage(IReadOnlyList<PartnershipListItem> Partnerships, int MatchingCount);

/// <summary>A shard's recomputation: its streamed contribution before, the fresh one, and whether it replaced its state.</summary>
[GenerateSerializer, Immutable, Alias("strive.ShardRecompute")]
public sealed record ShardRecompute(ShardCounts Streamed, ShardCounts Fresh, bool Applied);

/// <summary>
/// One of <see cref="GrainKeys.NetworkShardCount"/> shards of the network rollup (key
/// <see cref="GrainKeys.NetworkShardKey"/>). Keeps a small directory entry and the counted sequence of each of its
/// partnerships plus its own counts, applies each partnership's <see cref="SnapshotUpdate"/> as a count change, and
/// publishes count deltas to the network grain (docs/adr/0016).
/// </summary>
[Alias("strive.INetworkShardGrain")]
public interface INetworkShardGrain : IGrainWithStringKey
{
    /// <summary>
    /// Counts an update unless it holds the same or a newer sequence for that partnership; when the sequence it holds
    /// is not the update's base (a broken chain, which the outbox prevents), it recomputes itself from its partnerships.
    /// Interleaves: updates arriving while the shard writes wait together and are counted by one write
    /// (<see cref="ApplyWaitingUpdatesAsync"/>), in arrival order; the call completes when that write is stored (its
    /// result's delta is the write's, which includes this update's change) and fails when it fails.
    /// </summary>
    [AlwaysInterleave]
    [Alias("ApplyAsync")]
    Task<SnapshotApplied> ApplyAsync(SnapshotUpdate update, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts a partnership's count change as <see cref="ApplyAsync"/> counts an update (same sequence rules, same
    /// waiting batch and write); this is what a partnership's outbox delivers (docs/adr/0022).
    /// </summary>
    [AlwaysInterleave]
    [Alias("ApplyChangeAsync")]
    Task<SnapshotApplied> ApplyChangeAsync(MemberCountChange change, CancellationToken cancellationToken = default);

    /// <summary>
    /// Counts the snapshot updates waiting in this activation in one write (the shard calls it on itself, so the write
    /// runs as an ordinary request between other writes). Writes nothing when none is waiting.
    /// </summary>
    [Alias("ApplyWaitingUpdatesAsync")]
    Task ApplyWaitingUpdatesAsync(CancellationToken cancellationToken = default);

    /// <summary>The shard's current contribution.</summary>
    [Alias("GetCountsAsync")]
    Task<ShardCounts> GetCountsAsync(CancellationToken cancellationToken = default);

    /// <summary>Partnerships matching <paramref name="filter"/> with id greater than <paramref name="afterId"/>, ascending, at most <paramref name="take"/>.</summary>
    [Alias("ListAsync")]
    Task<ShardPage> ListAsync(PartnershipFilter filter, string afterId, int take, CancellationToken cancellationToken = default);

    /// <summary>Ids of the shard's partnerships, ascending.</summary>
    [Alias("GetPartnershipIdsAsync")]
    Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Asks each of its partnerships for a fresh snapshot and compares; with <paramref name="apply"/> each partnership
    /// first publishes its fresh snapshot (when it changed) and the shard counts exactly those, publishing the delta.
    /// </summary>
    [Alias("RecomputeAsync")]
    Task<ShardRecompute> RecomputeAsync(bool apply, CancellationToken cancellationToken = default);
}

/// <summary>A live watcher of the network rollup (a grain observer, e.g. one per gateway WatchNetworkRollup call).</summary>
[Alias("strive.INetworkRollupObserver")]
public interface INetworkRollupObserver : IGrainObserver
{
    /// <summary>The rollup changed; <paramref name="rollup"/> is the latest version.</summary>
    [OneWay]
    [Alias("OnRollupChanged")]
    Task OnRollupChanged(NetworkRollup rollup);
}

/// <summary>Timing of network-rollup watch subscriptions.</summary>
public static class NetworkWatch
{
    /// <summary>How long a subscription lasts without renewal (a dead watcher is forgotten after this).</summary>
    public static TimeSpan SubscriptionLifetime { get; } = TimeSpan.FromMinutes(2);

    /// <summary>How often watchers renew their subscription (well inside <see cref="SubscriptionLifetime"/>).</summary>
    public static TimeSpan RenewalInterval { get; } = TimeSpan.FromSeconds(30);
}
