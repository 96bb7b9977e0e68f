using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The count paths of a snapshot's contribution, which the counter formats once per prefix and reuses: they must be
/// the paths <see cref="RollupCounter.Materialize"/> reads (it formats its own), for the network and for every year.
/// </summary>
public sealed class RollupCounterTests
{
    private static PartnershipSnapshot Snapshot(string id, GatewayStage gateway, TrendDirection reading, int widened) => new(
        id, 1, id, "OH", "6G", gateway,
        [Designation.ProofPoint],
        [new OutcomeTrend(Outcome.EarlyGradeReading, reading)],
        [new OutcomeGapCounts(Outcome.EarlyGradeReading, new GapChangeCounts(1, 0, 0, widened, 0))],
        [],
        [
            new YearStatus(2023, GatewayStage.Emerging, [], [], new GapChangeCounts(0, 0, 0, 0, 0)),
            new YearStatus(2024, gateway, [Designation.ProofPoint], [new OutcomeTrend(Outcome.EarlyGradeReading, reading)], new GapChangeCounts(0, 0, 0, widened, 0)),
        ],
        []);

    [Fact]
    public void Contribution_NamesTheDocumentedPaths_AndMaterializeReadsThem()
    {
        var counter = RollupCounter.From([
            Snapshot("a", GatewayStage.SystemsChange, TrendDirection.Improved, 2),
            Snapshot("b", GatewayStage.SystemsChange, TrendDirection.Worsened, 1),
        ]);

        var counts = counter.Counts;
        Assert.Equal(2, counts["partnership_count"]);
        Assert.Equal(2, counts["gateways[SystemsChange]"]);
        Assert.Equal(2, counts["frameworks[6G].partnership_count"]);
        Assert.Equal(2, counts["frameworks[6G].gateways[SystemsChange]"]);
        Assert.Equal(2, counts["designations[ProofPoint]"]);
        Assert.Equal(1, counts["outcome_trends[EarlyGradeReading].improved"]);
        Assert.Equal(1, counts["outcome_trends[EarlyGradeReading].worsened"]);
        Assert.Equal(2, counts["outcome_trends[KindergartenReadiness].not_tracked"]);
        Assert.Equal(3, counts["gaps.widened"]);
        Assert.Equal(3, counts["gaps_by_outcome[EarlyGradeReading].widened"]);
        Assert.Equal(2, counts["history[2023].gateways[Emerging]"]);
        Assert.Equal(2, counts["history[2024].designations[ProofPoint]"]);
        Assert.Equal(1, counts["history[2024].outcome_trends[EarlyGradeReading].improved"]);
        Assert.Equal(2, counts["history[2023].outcome_trends[EarlyGradeReading].not_tracked"]);
        Assert.Equal(3, counts["history[2024].gaps.widened"]);

        var rollup = counter.Materialize(1, DateTimeOffset.UnixEpoch, 2024);
        Assert.Equal(2, rollup.PartnershipCount);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        var reading = rollup.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading);
        Assert.Equal((1, 1), (reading.Improved, reading.Worsened));
        Assert.Equal(3, rollup.GapsByOutcome.Single(g => g.Outcome == Outcome.EarlyGradeReading).Counts.Widened);
        var year = rollup.History.Single(y => y.Year == 2024);
        Assert.Equal(2, year.PartnershipCount);
        Assert.Equal(1, year.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Improved);
        Assert.Equal(3, year.Gaps.Widened);
    }

    [Fact]
    public void ReplacingASnapshot_CountsOnlyTheDifference_AndRemovingItLeavesNothing()
    {
        var before = Snapshot("a", GatewayStage.Sustaining, TrendDirection.Improved, 0);
        var after = Snapshot("a", GatewayStage.SystemsChange, TrendDirection.Worsened, 0);

        var change = RollupCounter.Change(before, after);
        Assert.Equal(-1, change["gateways[Sustaining]"]);
        Assert.Equal(1, change["gateways[SystemsChange]"]);
        Assert.Equal(-1, change["history[2024].outcome_trends[EarlyGradeReading].improved"]);
        Assert.Equal(1, change["history[2024].outcome_trends[EarlyGradeReading].worsened"]);
        Assert.False(change.ContainsKey("partnership_count"));

        var counter = RollupCounter.From([after]);
        counter.Add(after, -1);
        Assert.Empty(counter.Counts);
    }
}
