using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Domain.Tests.Indicators;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>The status rules moved out of the grains: one implementation for progress, snapshots and rollups.</summary>
public sealed class PartnershipStatusRulesTests
{
    [Fact]
    public void Summarize_ReplaysTrendAndGapsPerYear_WithFocalGroups()
    {
        var definition = TestTables.Definition(baselineYear: 2020);
        var series = TestTables.Series(definition,
            TestTables.Consistent(2020, (g, p) => (g, p) == ("female", "black") ? (300, 1000) : TestTables.DefaultPart(g, p)),
            TestTables.Consistent(2022, (g, p) => (g, p) == ("female", "black") ? (400, 1000) : TestTables.DefaultPart(g, p)),
            TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "black") ? (480, 1000) : TestTables.DefaultPart(g, p)));
        GapDefinition[] gaps =
        [
            new("black-vs-white", "kr-1", "female", "black", GapReference.NamedGroup("white")),
            new("black-vs-all", "kr-1", "female", "black", GapReference.AllStudents),
        ];

        var status = IndicatorStatus.Summarize(new SmallCellSuppressor().Publish(series), gaps, new TrendRules(), new GapRules());

        Assert.Equal([2020, 2022, 2024], status.ByYear.Select(y => y.Year));
        Assert.Equal(TrendDirection.InsufficientData, status.TrendAsOf(2020));
        Assert.All(status.Gaps, g => Assert.Equal("female/black", g.FocalGroup));
        Assert.Equal(GapChange.Reduced, status.GapsAsOf(2022)[0].Change);
        Assert.Equal(GapChange.InsufficientData, status.GapsAsOf(2019)[0].Change);
        Assert.Equal(status.Gaps, status.GapsAsOf(null));
    }

    [Fact]
    public void GapCounts_CountEachFocalGroupOnce_AndOnlyCoreIndicators()
    {
        IndicatorStatus[] indicators =
        [
            Status("reading", Outcome.EarlyGradeReading, IndicatorRole.Core,
                new GapStatus("vs-white", "all/black", GapChange.Reduced), new GapStatus("vs-all", "all/black", GapChange.Reduced),
                new GapStatus("hispanic", "all/hispanic", GapChange.Widened)),
            Status("attendance", Outcome.EarlyGradeReading, IndicatorRole.Contributing, new GapStatus("x", "all/black", GapChange.Reduced)),
        ];

        var counts = Assert.Single(PartnershipStatusRules.GapCountsByOutcome(indicators, null));

        Assert.Equal(Outcome.EarlyGradeReading, counts.Outcome);
        Assert.Equal(new GapCounts(1, 0, 0, 1, 0), counts.Counts);
    }

    [Fact]
    public void OutcomeTrends_CombineCoreIndicatorsPerOutcome()
    {
        IndicatorStatus[] indicators =
        [
            Status("k1", Outcome.KindergartenReadiness, IndicatorRole.Core, trend: TrendDirection.Improved),
            Status("k2", Outcome.KindergartenReadiness, IndicatorRole.Core, trend: TrendDirection.Maintained),
            Status("m1", Outcome.MiddleGradeMath, IndicatorRole.Core, trend: TrendDirection.Improved),
            Status("m2", Outcome.MiddleGradeMath, IndicatorRole.Core, trend: TrendDirection.Worsened),
            Status("r1", Outcome.EarlyGradeReading, IndicatorRole.Contributing, trend: TrendDirection.Improved),
        ];

        var trends = PartnershipStatusRules.OutcomeTrends(indicators, null);

        Assert.Equal(
            [new OutcomeTrendStatus(Outcome.KindergartenReadiness, TrendDirection.Improved), new OutcomeTrendStatus(Outcome.MiddleGradeMath, TrendDirection.Maintained)],
            trends);
    }

    [Fact]
    public void Replay_ReadsTheLedgerAsItStoodAtEachYearEnd_AndFollowsTheSequence()
    {
        // Benchmarks met during 2022 (placed in Systems Change from then), Proof Point awarded mid-2024 and lapsed
        // mid-2025; a Systems Change benchmark is withdrawn in 2025 (placement falls to Sustaining).
        var met = ThroughSustaining(SixGateway).Concat(["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1"]);
        var history = AssessmentHistory.Create(SixGateway,
            met.Select(id => new BenchmarkAssessment(id, BenchmarkStatus.Met, new DateOnly(2022, 5, 1), "reviewer"))
                .Append(new BenchmarkAssessment("6G-SUS-CA-3", BenchmarkStatus.InProgress, new DateOnly(2025, 2, 1), "reviewer")),
            Today);
        var indicators = Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).Take(4)
            .Select(o => Status($"core-{o}", o, IndicatorRole.Core, trend: TrendDirection.Improved)).ToList();
        var awarded = DesignationLedger.Reevaluate(DesignationHistory.Empty,
            PartnershipStatusRules.Evidence(history, indicators, [], 2024), new DateOnly(2024, 6, 30)).History;
        var lapsed = DesignationLedger.Reevaluate(awarded,
            PartnershipStatusRules.Evidence(history, indicators, [], 2025, awarded), new DateOnly(2025, 6, 30)).History;

        var years = PartnershipStatusRules.Replay(history, indicators, lapsed, 2021, 2025);

        Assert.Equal(
            [GatewayStage.Exploring, GatewayStage.SystemsChange, GatewayStage.SystemsChange, GatewayStage.ProofPoint, GatewayStage.Sustaining],
            years.Select(y => y.Gateway));
        Assert.Equal([[], [], [], ["proof-point"], []], years.Select(y => y.Designations.ToArray()));
        Assert.Equal(DesignationEventKind.Lapsed, lapsed.Events[^1].Kind);

        // A replay without indicators, completed with them year by year, is the full replay (what a partnership
        // caches per assessment history).
        var completed = PartnershipStatusRules.Replay(history, [], lapsed, 2021, 2025).Select(y => PartnershipStatusRules.WithIndicators(y, indicators)).ToList();
        Assert.Equal(years.Select(Describe), completed.Select(Describe));
        Assert.Contains(completed, y => y.OutcomeTrends.Count > 0);
    }

    private static string Describe(PartnershipYearStatus y) =>
        $"{y.Year} {y.Gateway} [{string.Join(",", y.Designations)}] [{string.Join(",", y.OutcomeTrends.Select(t => $"{t.Outcome}:{t.Direction}"))}] {y.Gaps}";

    [Fact]
    public void Evidence_AsOfAYear_LeavesOutLaterExamplesAndAwards()
    {
        var history = Meeting(SixGateway, ThroughSustaining(SixGateway));
        SystemsChangeExample[] examples = [new("early", "x", new DateOnly(2023, 3, 1)), new("late", "x", new DateOnly(2025, 3, 1))];

        var evidence = PartnershipStatusRules.Evidence(history, [], examples, 2024);

        Assert.Equal(["early"], evidence.SystemsChangeExamples.Select(e => e.Id));
        Assert.Equal(new DateOnly(2024, 12, 31), evidence.EvaluatedOn);
    }

    /// <summary>A status whose values hold from 2020 on.</summary>
    private static IndicatorStatus Status(string id, Outcome outcome, IndicatorRole role, params GapStatus[] gaps) =>
        new(id, outcome, role, TrendDirection.Maintained, gaps, [new IndicatorYearStatus(2020, TrendDirection.Maintained, gaps)]);

    private static IndicatorStatus Status(string id, Outcome outcome, IndicatorRole role, TrendDirection trend) =>
        new(id, outcome, role, trend, [], [new IndicatorYearStatus(2020, trend, [])]);
}
