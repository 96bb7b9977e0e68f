using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>What partnership changes do to the network rollup. Each test has a cluster of its own: the rollup is network-wide.</summary>
public abstract class NetworkFlowTests(GrainClusterOptions options)
{
    [Fact]
    public async Task ProofPoint_MissingPillar_NotMetAndNamed()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await Flows.SetUpAsync(c, "kenosha", "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1");

        var snapshot = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(), r => r.OutcomeTrends.Single(t => t.Outcome == Outcome.Employment).NotTracked == 1
                && r.OutcomeTrends.Single(t => t.Outcome == Outcome.MiddleGradeMath).Improved == 1, "trends reach the network");
        Assert.Equal(1, snapshot.PartnershipCount);

        var progress = await c.Partnership("kenosha").GetProgressAsync();
        Assert.Equal(GatewayStage.SystemsChange, progress.Gateway);
        var proofPoint = progress.Designations.Single(d => d.Designation == Designation.ProofPoint);
        Assert.False(proofPoint.Met);
        var pillars = proofPoint.Criteria.Single(x => x.Kind == CriterionKind.BenchmarksAcrossPillars);
        Assert.False(pillars.Met);
        Assert.Equal(3, pillars.Actual);
        Assert.Contains("Investment", pillars.Explanation, StringComparison.Ordinal);
        Assert.True(proofPoint.Criteria.Single(x => x.Kind == CriterionKind.CoreIndicatorOutcomes).Met);
        Assert.Equal(GatewayStage.SystemsChange, progress.NextGateway);
        Assert.Empty(progress.MissingBenchmarkIds);
    }

    [Fact]
    public async Task Rollup_FollowsTheOutboxes_AndEqualsRecompute()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await Flows.SetUpAsync(c, "racine", "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");
        await Flows.SetUpAsync(c, "kenosha", "6G-SC-SCV-1");
        await c.Partnership("racine").ReevaluateDesignationsAsync(null, "test");
        await c.Partnership("kenosha").ReevaluateDesignationsAsync(null, "test");
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Learn to Earn Dayton", "OH", "toa-5g-2016"));

        var rollup = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(),
            r => r.PartnershipCount == 3 && r.Designations.Single(d => d.Designation == Designation.ProofPoint).Count == 1,
            "three partnerships, one Proof Point");
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(["toa-5g-2016", "toa-6g"], rollup.Frameworks.Select(f => f.FrameworkId));
        Assert.Equal(2, rollup.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Improved);
        Assert.Equal(1, rollup.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).NotTracked);
        Assert.Contains(rollup.History, y => y.Year == 2019);
        Assert.Equal(DateTime.UtcNow.Year, rollup.History[^1].Year);

        var report = await Flows.SettledAsync(c);
        Assert.True(report.Consistent, string.Join("; ", report.Differences.Select(d => $"{d.Path}: {d.Streamed} vs {d.Recomputed}")));
        Assert.Equal(3, report.PartnershipCount);
        Assert.False(report.Applied);
        Assert.Equal(rollup.Gateways, report.Recomputed.Gateways);
        Assert.Equal(["dayton", "kenosha", "racine"], await c.Network.GetPartnershipIdsAsync());
    }

    [Fact]
    public async Task Redelivery_DoesNotDoubleCount()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var before = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var snapshot = await c.Partnership("racine").GetSnapshotAsync();

        Assert.False(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(null, snapshot)));
        Assert.False(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(null, snapshot with { Sequence = snapshot.Sequence - 1, Gateway = GatewayStage.Emerging })));

        var after = await c.Network.GetRollupAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(1, after.PartnershipCount);
        Assert.Equal(1, after.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task Recompute_ReportsAndRepairsADivergence()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var snapshot = await GrainCluster.EventuallyAsync(() => c.Partnership("racine").GetSnapshotAsync(), s => s.Sequence > 0, "snapshot");
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        // A forged newer snapshot makes the streamed rollup wrong on purpose.
        Assert.True(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(snapshot, snapshot with { Sequence = snapshot.Sequence + 100, Gateway = GatewayStage.Sustaining })));
        var report = await c.Network.RecomputeAsync(apply: true);

        Assert.False(report.Consistent);
        Assert.Contains(report.Differences, d => d.Path == "gateways[Sustaining]" && d.Streamed == "1" && d.Recomputed == "0");
        Assert.True(report.Applied);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(0, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Sustaining).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
    }

    [Fact]
    public async Task UpdateWithAnUnknownBase_MakesTheShardRecountFromItsPartnerships()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));
        await Flows.SettledAsync(c);
        var snapshot = await c.Partnership("racine").GetSnapshotAsync();

        // As an outbox entry stored before ADR 0016 arrives: a newer sequence whose base nobody recorded. Counting it
        // as "latest − nothing" would count racine twice; the shard recounts its partnerships instead.
        Assert.True(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(null, snapshot with { Sequence = snapshot.Sequence + 1, Gateway = GatewayStage.Sustaining }, BaseUnknown: true)));

        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(2, rollup.PartnershipCount);
        Assert.Equal(0, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Sustaining).Count);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);

        // The partnership's next update is based on what the shard now holds, and counts once.
        await c.Partnership("racine").RecordAssessmentAsync(Sample.ThroughSustaining());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(),
            r => r.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count == 1, "racine's next update reaches the network");
        Assert.Equal(2, (await Flows.SettledAsync(c)).PartnershipCount);
    }

    [Fact]
    public async Task Watcher_ReceivesAHigherVersionAfterAWrite()
    {
        await using var c = await GrainCluster.StartAsync(options);
        var watcher = new RollupWatcher();
        var reference = c.Client.CreateObjectReference<INetworkRollupObserver>(watcher);
        var start = await c.Network.SubscribeAsync(reference);
        Assert.Equal(0, start.PartnershipCount);
        Assert.Empty(watcher.Received);

        await c.Partnership("racine").RegisterAsync(Sample.Profile());

        var received = await GrainCluster.EventuallyAsync(
            () => Task.FromResult(watcher.Received), r => r.Any(x => x.PartnershipCount == 1), "the watcher receives the new rollup");
        var changed = received.First(x => x.PartnershipCount == 1);
        Assert.True(changed.Version > start.Version);
        Assert.Equal(1, changed.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(changed.Version, (await c.Network.GetRollupAsync()).Version);

        await c.Network.UnsubscribeAsync(reference);
        c.Client.DeleteObjectReference<INetworkRollupObserver>(reference);
    }

    [Fact]
    public async Task Suppression_SmallHeadlineCell_NeverFeedsTrendOrSummary()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));

        // 2024 has only 8 students: below the minimum n of 10, so the clear drop from 40% to 0% must not show.
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 400, 1000), Sample.Cell(2024, "all", "all", 0, 8)]);

        var view = await indicator.GetAsync(0);
        var latest = view.Series.Single(y => y.Year == 2024).Cells.Single(x => x.Gender == "all" && x.Population == "all");
        Assert.Equal(RateState.Suppressed, latest.Rate.State);
        Assert.Null(latest.Rate.Value);
        Assert.Null(latest.Rate.Numerator);
        Assert.Null(latest.Rate.Denominator);
        Assert.Equal(TrendDirection.InsufficientData, view.Trend.Direction);
        Assert.NotEqual(DerivedState.Shown, view.Trend.Difference.State);
        Assert.Equal(10, view.MinimumN);
        var summary = await indicator.GetSummaryAsync();
        Assert.Equal(TrendDirection.InsufficientData, summary.Trend);
        Assert.All(summary.ByYear, y => Assert.Equal(TrendDirection.InsufficientData, y.Trend));

        // The partnership learns of the indicator through the indicator's outbox.
        var card = await GrainCluster.EventuallyAsync(() => c.Partnership("racine").GetReportCardAsync(0), r => r.Outcomes.Count == 1, "the indicator reaches the report card");
        var entry = card.Outcomes.Single().Indicators.Single();
        Assert.Equal(RateState.Suppressed, entry.Latest.State);
        Assert.NotEqual(DerivedState.Shown, entry.ProgressToTargetPercent.State);
        var network = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(),
            r => r.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).InsufficientData == 1, "insufficient data reaches the network");
        Assert.Equal(0, network.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Worsened);
    }

    [Fact]
    public async Task Suppression_MinimumNComesFromSettings()
    {
        await using var c = await GrainCluster.StartAsync(options with { MinimumN = 20 });
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 6, 15)]);

        var view = await indicator.GetAsync(0);
        Assert.Equal(20, view.MinimumN);
        Assert.Equal(RateState.Suppressed, view.Series.Single().Cells.Single(x => x.Gender == "all" && x.Population == "all").Rate.State);
    }
}

public sealed class MemoryNetworkFlowTests() : NetworkFlowTests(new GrainClusterOptions { Storage = StorageKind.Memory });

public sealed class SqliteNetworkFlowTests() : NetworkFlowTests(new GrainClusterOptions { Storage = StorageKind.Sqlite, Silos = 3 });
