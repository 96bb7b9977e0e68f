using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.ReportCards;
using StriveNetwork.Domain.Tests.Indicators;

namespace StriveNetwork.Domain.Tests.ReportCards;

public sealed class ReportCardBuilderTests
{
    private static (long, long) Part(string gender, string population, long n) => population switch
    {
        "low-income" or "ell" => TestTables.DefaultPart(gender, population),
        _ => (n, 100),
    };

    private static IndicatorSeries Readiness(Func<string, string, (long, long)>? latest = null) =>
        TestTables.Series(
            TestTables.Definition(targets: new Dictionary<int, double> { [2026] = 60 }),
            TestTables.Consistent(2020, (g, p) => Part(g, p, 40)),
            TestTables.Consistent(2024, latest ?? ((g, p) => Part(g, p, 55))));

    [Fact]
    public void Card_ReportsBaselineLatestTargetProgressAndTrend()
    {
        var card = new ReportCardBuilder().Build("Racine 2024", [new ReportCardInput(Readiness(), [])]);

        var section = Assert.Single(card.Outcomes);
        Assert.Equal(Outcome.KindergartenReadiness, section.Outcome);
        var indicator = Assert.Single(section.Indicators);
        Assert.Equal(new ReportedValue(2020, "40.0%", 40.0), indicator.Baseline);
        Assert.Equal(new ReportedValue(2024, "55.0%", 55.0), indicator.Latest);
        Assert.Equal(new TargetValue(2026, 60), indicator.Target);
        // 100 · (55 − 40) / (60 − 40) = 75% of the targeted change achieved.
        Assert.Equal(75.0, indicator.Progress!.Value, 9);
        // all/all 720/1800 → 990/1800: pooled 0.475, SE = sqrt(0.475·0.525·2/1800) = 0.016646, z = 9.01: improved.
        Assert.Equal(TrendDirection.Improved, indicator.Trend.Direction);
        Assert.Equal(36, indicator.Disaggregated.Count);
        Assert.Contains(indicator.Disaggregated, d => d.PopulationName == "Hispanic or Latine" && d.GenderName == "Female" && d.Display == "55.0%");
    }

    [Fact]
    public void Card_NeverShowsASuppressedCell()
    {
        // female/aian has 6 students in 2024: primary. Its partners are hidden too, and nothing on the card shows them.
        var series = Readiness((g, p) => (g, p) == ("female", "aian") ? (5, 6) : Part(g, p, 55));
        var gaps = new[] { new GapDefinition("aian-gap", "kr-1", "female", "aian", GapReference.AllStudents) };

        var indicator = new ReportCardBuilder().Build("Card", [new ReportCardInput(series, gaps)]).Outcomes[0].Indicators[0];

        var aian = indicator.Disaggregated.Single(d => d.Gender == "female" && d.Population == "aian");
        Assert.Equal("*", aian.Display);
        Assert.Null(aian.Numerator);
        Assert.Null(aian.Denominator);
        Assert.Null(aian.Rate);
        var hidden = indicator.Disaggregated.Where(d => d.Display == "*").ToList();
        Assert.True(hidden.Count >= 2);
        Assert.All(hidden, d => Assert.True(d.Numerator is null && d.Denominator is null && d.Rate is null));
        var gap = Assert.Single(indicator.Gaps);
        Assert.Equal(GapChange.InsufficientData, gap.Change);
        Assert.Null(gap.LatestFocalRate);
        Assert.DoesNotContain("Primary", gap.Explanation, StringComparison.Ordinal);
        Assert.DoesNotContain("minimum", gap.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Card_WithSuppressedHeadline_HasNoProgressAndNoTrend()
    {
        var series = TestTables.Series(TestTables.Definition(),
            [Observation.Counted(2020, "all", "all", 3, 8)],
            [Observation.Counted(2024, "all", "all", 5, 9)]);

        var indicator = new ReportCardBuilder().Build("Tiny", [new ReportCardInput(series, [])]).Outcomes[0].Indicators[0];

        Assert.Equal("*", indicator.Baseline!.Display);
        Assert.Null(indicator.Baseline.Rate);
        Assert.Null(indicator.Progress);
        Assert.Equal(TrendDirection.InsufficientData, indicator.Trend.Direction);
    }

    [Fact]
    public void Card_GroupsCoreIndicatorsByOutcomeAndLeavesOutContributing()
    {
        var reading = TestTables.Series(TestTables.Definition(id: "egr-1", outcome: Outcome.EarlyGradeReading), TestTables.Consistent(2020));
        var absenteeism = TestTables.Series(TestTables.Definition(id: "abs-1", polarity: Polarity.LowerIsBetter, role: IndicatorRole.Contributing), TestTables.Consistent(2020));

        var card = new ReportCardBuilder().Build("Card", [new(reading, []), new(Readiness(), []), new(absenteeism, [])]);

        Assert.Equal([Outcome.KindergartenReadiness, Outcome.EarlyGradeReading], card.Outcomes.Select(o => o.Outcome));
        Assert.DoesNotContain(card.Outcomes.SelectMany(o => o.Indicators), i => i.IndicatorId == "abs-1");
    }

    [Fact]
    public void Card_WithoutTarget_ExplainsMissingProgress()
    {
        var series = TestTables.Series(TestTables.Definition(targets: new Dictionary<int, double>()), TestTables.Consistent(2020), TestTables.Consistent(2024));

        var indicator = new ReportCardBuilder().Build("Card", [new ReportCardInput(series, [])]).Outcomes[0].Indicators[0];

        Assert.Null(indicator.Progress);
        Assert.Equal("No target set.", indicator.ProgressExplanation);
    }
}
