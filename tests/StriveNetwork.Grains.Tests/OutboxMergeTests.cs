using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// A write that merges a partnership's pending snapshot update with its new one must not race the delivery loop: an
/// entry the loop starts while that write runs would reach the shard before the merged one, whose base is then older
/// than what the shard counted (a broken chain, which makes the shard recount every partnership it holds).
/// </summary>
public sealed class OutboxMergeTests
{
    private const string ApplySnapshot = nameof(INetworkShardGrain.ApplyChangeAsync);
    private const string Publish = nameof(IPartnershipGrain.PublishSnapshotAsync);

    private static IndicatorSummary Summary(int indicator, Outcome outcome, TrendDirection trend) =>
        new("racine", $"ind-{indicator}", 1, outcome, IndicatorRole.Core, trend, [], [], []);

    [Fact]
    public async Task AnEntryBeingMergedAway_IsNotStartedDuringTheMergingWrite()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var shard = c.Shard(GrainKeys.NetworkShardKey("racine"));

        // E1 is in delivery (refused for now, so retried); E2 follows it, not started.
        c.DeliveryFaults.Block(ApplySnapshot);
        var rejected = c.DeliveryFaults.Rejected(ApplySnapshot);
        await racine.ApplyIndicatorSummaryAsync(Summary(0, Outcome.EarlyGradeReading, TrendDirection.Improved));
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Rejected(ApplySnapshot)), n => n > rejected, "E1's delivery is tried");
        await racine.ApplyIndicatorSummaryAsync(Summary(1, Outcome.MiddleGradeMath, TrendDirection.Worsened));
        var e1 = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.LastSnapshot!.Sequence - 1;

        // The next write merges E2 with E3. While it is held, E1 gets through: the loop must wait for that write
        // instead of starting E2, which the write replaces.
        var (held, release) = c.StorageFaults.HoldNextWriteOf("partnership");
        var third = racine.ApplyIndicatorSummaryAsync(Summary(2, Outcome.HighSchoolGraduation, TrendDirection.Improved));
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        c.DeliveryFaults.Unblock(ApplySnapshot);
        var counted = await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s!.Members["racine"].Sequence >= e1, "E1 is counted while the write is held");
        Assert.Equal(e1, counted!.Members["racine"].Sequence); // E2, being merged away, was not delivered
        release();
        await third;

        var last = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.LastSnapshot!.Sequence;
        await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s!.Members["racine"].Sequence == last, "the merged update is counted");
        Assert.Equal(0, c.DeliveryFaults.Calls(Publish)); // no recount: the chain never broke
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task PendingShardUpdates_AreStoredAsMergedCounts_NotAsSnapshots()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var counted = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.LastSnapshot!;

        // E1 is in delivery (refused, so retried); E2 and E3 merge into the open entry behind it.
        c.DeliveryFaults.Block(ApplySnapshot);
        var rejected = c.DeliveryFaults.Rejected(ApplySnapshot);
        await racine.ApplyIndicatorSummaryAsync(Summary(0, Outcome.EarlyGradeReading, TrendDirection.Improved));
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Rejected(ApplySnapshot)), n => n > rejected, "E1's delivery is tried");
        var e1 = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.LastSnapshot!;
        await racine.ApplyIndicatorSummaryAsync(Summary(1, Outcome.MiddleGradeMath, TrendDirection.Worsened));
        await racine.ApplyIndicatorSummaryAsync(Summary(2, Outcome.HighSchoolGraduation, TrendDirection.Improved));

        var stored = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!;
        var pending = stored.Outbox.Entries.Where(e => e.Target == OutboxTarget.NetworkShard).Select(e => e.Payload).ToList();
        Assert.Equal(2, pending.Count);
        Assert.All(pending, p => Assert.Null(p.Base ?? p.Latest)); // ADR 0022: no snapshot in the outbox
        Assert.Equal((counted.Sequence, e1.Sequence), (pending[0].Change!.BaseSequence, pending[0].Change!.Sequence));
        Assert.Equal((e1.Sequence, stored.LastSnapshot!.Sequence), (pending[1].Change!.BaseSequence, pending[1].Change!.Sequence));
        Assert.Equal(Sorted(RollupCounter.Change(e1, stored.LastSnapshot)), Sorted(pending[1].Change!.Counts));

        c.DeliveryFaults.Unblock(ApplySnapshot);
        var last = stored.LastSnapshot.Sequence;
        await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", c.Shard(GrainKeys.NetworkShardKey("racine"))), s => s!.Members["racine"].Sequence == last, "both changes are counted");
        Assert.Equal(0, c.DeliveryFaults.Calls(Publish));
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    private static List<KeyValuePair<string, long>> Sorted(IReadOnlyDictionary<string, long> counts) => [.. counts.OrderBy(c => c.Key, StringComparer.Ordinal)];
}
