using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// A write that merges a partnership's pending snapshot update with its new one must not race the delivery loop: an
/// entry the loop starts while that write runs would reach the shard before the merged one, whose base is then older
/// than what the shard counted (a broken chain, which makes the shard recount every partnership it holds).
/// </summary>
public sealed class OutboxMergeTests
{
    private const string ApplySnapshot = nameof(INetworkShardGrain.ApplyAsync);
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
}
