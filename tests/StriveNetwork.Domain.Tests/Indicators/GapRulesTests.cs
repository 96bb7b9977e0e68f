using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Indicators;

public sealed class GapRulesTests
{
    private static readonly GapRules Rules = new();

    /// <summary>Two years; <paramref name="baseline"/> and <paramref name="latest"/> override female parts.</summary>
    private static PublishedSeries Series(
        Func<string, (long N, long D)?> baseline,
        Func<string, (long N, long D)?> latest,
        Polarity polarity = Polarity.HigherIsBetter)
    {
        Func<string, string, (long, long)> Parts(Func<string, (long N, long D)?> female) =>
            (g, p) => g == "female" && female(p) is { } v ? v : TestTables.DefaultPart(g, p);
        var series = TestTables.Series(TestTables.Definition(polarity), TestTables.Consistent(2020, Parts(baseline)), TestTables.Consistent(2024, Parts(latest)));
        return new SmallCellSuppressor().Publish(series);
    }

    private static GapDefinition Gap(GapReference reference, string focal = "black", string gender = "female") =>
        new("gap-1", "kr-1", gender, focal, reference);

    [Fact]
    public void NamedGroup_GapShrinksByMoreThanThreshold_IsReduced()
    {
        // White 70% → 72%, Black 50% → 60% (of 100 each): gap 20 → 12 pp. Black 50/100 → 60/100 is not worse.
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (72, 100), "black" => (60, 100), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Reduced, result.Change);
        Assert.Equal("female/white", result.ReferenceGroup);
        Assert.Equal(GapReferenceKind.NamedGroup, result.ReferenceRule.Kind);
        Assert.Equal(20, result.BaselineGap!.Value, 9);
        Assert.Equal(12, result.LatestGap!.Value, 9);
        Assert.True(result.IsReducedOrEliminated);
    }

    [Fact]
    public void FocalWithinTolerance_IsEliminated()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (72, 100), "black" => (71, 100), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Eliminated, result.Change);
        Assert.Equal(1, result.LatestGap!.Value, 9);
    }

    [Fact]
    public void FocalAboveReference_IsEliminated()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (70, 100), "black" => (80, 100), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Eliminated, result.Change);
        Assert.Equal(-10, result.LatestGap!.Value, 9);
    }

    [Fact]
    public void NoGapAtBaseline_IsNotEliminated()
    {
        // "Eliminated" needs a gap above the threshold at baseline: 70 % vs 70.5 % was never a gap to eliminate.
        var series = Series(p => p switch { "white" => (705, 1000), "black" => (700, 1000), _ => null }, p => p switch { "white" => (710, 1000), "black" => (705, 1000), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Unchanged, result.Change);
        Assert.Contains("no gap above 1 pp at baseline", result.Explanation, StringComparison.Ordinal);
        Assert.False(result.IsReducedOrEliminated);
    }

    [Fact]
    public void GapClosedBecauseTheReferenceFellAndTheFocalGroupDeclined_IsNotEliminated()
    {
        // White 70 % → 40 %, Black 50 % → 40 % (of 1,000 each): the gap closed, but Black students did worse.
        var series = Series(p => p switch { "white" => (700, 1000), "black" => (500, 1000), _ => null }, p => p switch { "white" => (400, 1000), "black" => (400, 1000), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Unchanged, result.Change);
        Assert.Contains("Not counted as eliminated", result.Explanation, StringComparison.Ordinal);
        Assert.Equal(0, result.LatestGap!.Value, 9);
    }

    [Fact]
    public void ComplementTooSmallToPublish_GivesInsufficientData()
    {
        // Female Black students are 1,000 of 1,016 female students: "everyone else" is 16 students. A gap against
        // that complement would publish the rate of those 16; under a minimum n of 20 it is insufficient data.
        long[] others = [0, 1, 2, 1, 0, 2, 1, 1];
        (long, long)? Female(string p) => p switch
        {
            "black" => (500, 1000),
            "low-income" or "ell" => null,
            _ => (others[Array.IndexOf(TestTables.Races.Where(r => r != "black").ToArray(), p)], 2),
        };
        var series = Series(Female, Female);
        Assert.Equal(CellStatus.Shown, series.Cell(1, 2024, new CellKey("female", "all"))!.Status);
        Assert.Equal(CellStatus.Shown, series.Cell(1, 2024, new CellKey("female", "black"))!.Status);

        var strict = new GapRules(new GapOptions(), new TrendRules(), new SuppressionOptions { MinimumN = 20 });
        var result = strict.Evaluate(Gap(GapReference.Complement), series);

        Assert.Equal(GapChange.InsufficientData, result.Change);
        Assert.Contains("too small to publish", result.Explanation, StringComparison.Ordinal);
        Assert.NotEqual(GapChange.InsufficientData, Rules.Evaluate(Gap(GapReference.Complement), series).Change);
    }

    [Fact]
    public void GapGrowing_IsWidened()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (72, 100), "black" => (45, 100), _ => null });

        Assert.Equal(GapChange.Widened, Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series).Change);
    }

    [Fact]
    public void SmallMove_IsUnchanged()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null });

        Assert.Equal(GapChange.Unchanged, Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series).Change);
    }

    [Fact]
    public void GapNarrowedBecauseFocalGotWorse_IsNotReduced()
    {
        // Black 500/1000 → 400/1000: pooled 0.45, SE = sqrt(0.45·0.55·0.002) = 0.022249, z = −4.49: worsened.
        // White 700/1000 → 450/1000: gap 20 → 5 pp, but only because both fell.
        var series = Series(p => p switch { "white" => (700, 1000), "black" => (500, 1000), _ => null }, p => p switch { "white" => (450, 1000), "black" => (400, 1000), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.Unchanged, result.Change);
        Assert.Contains("focal group got worse", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void LowerIsBetter_MeasuresGapTheOtherWay()
    {
        // Chronic absenteeism: Black 30% vs White 10% → gap 20 pp (Black behind); latest 20% vs 10% → 10 pp.
        var series = Series(p => p switch { "white" => (10, 100), "black" => (30, 100), _ => null }, p => p switch { "white" => (10, 100), "black" => (20, 100), _ => null }, Polarity.LowerIsBetter);

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(20, result.BaselineGap!.Value, 9);
        Assert.Equal(GapChange.Reduced, result.Change);
    }

    [Fact]
    public void BestGroupAtBaseline_IsFixedAtBaselineAndNamed()
    {
        // Asian is best at baseline (80%); in 2024 white (90%) is higher but the reference stays Asian.
        var series = Series(
            p => p switch { "asian" => (80, 100), "black" => (50, 100), _ => null },
            p => p switch { "asian" => (78, 100), "white" => (90, 100), "black" => (60, 100), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.BestGroupAtBaseline), series);

        Assert.Equal("female/asian", result.ReferenceGroup);
        Assert.Equal(30, result.BaselineGap!.Value, 9);
        Assert.Equal(18, result.LatestGap!.Value, 9);
        Assert.Equal(GapChange.Reduced, result.Change);
    }

    [Fact]
    public void BestGroupForLowerIsBetter_IsTheLowestRate()
    {
        var series = Series(p => p switch { "asian" => (5, 100), "black" => (30, 100), _ => null }, p => p switch { "black" => (25, 100), _ => null }, Polarity.LowerIsBetter);

        Assert.Equal("female/asian", Rules.Evaluate(Gap(GapReference.BestGroupAtBaseline), series).ReferenceGroup);
    }

    [Fact]
    public void AllStudents_UsesAllGendersAllStudents()
    {
        var series = Series(p => p == "black" ? (30, 100) : null, p => p == "black" ? (30, 100) : null);

        var result = Rules.Evaluate(Gap(GapReference.AllStudents), series);

        // all/all = 18 parts: 17 × 50 + 30 = 880 of 1800 = 48.89%; gap = 48.89 − 30 = 18.89 pp.
        Assert.Equal("all/all", result.ReferenceGroup);
        Assert.Equal(880.0 / 18 - 30, result.BaselineGap!.Value, 9);
        Assert.Equal(GapChange.Unchanged, result.Change);
    }

    [Fact]
    public void Complement_IsTotalMinusFocalByCounts()
    {
        // Female low income 100/400 (25%); female All Students 450/900, so not-low-income = 350/500 = 70%: gap 45 pp.
        var series = Series(p => p == "low-income" ? (100, 400) : null, p => p == "low-income" ? (200, 400) : null);

        var result = Rules.Evaluate(Gap(GapReference.Complement, focal: "low-income"), series);

        Assert.Equal("female/all − female/low-income", result.ReferenceGroup);
        Assert.Equal(70, result.BaselineReferenceRate!.Value, 9);
        Assert.Equal(45, result.BaselineGap!.Value, 9);
        Assert.Equal(50, result.LatestReferenceRate!.Value, 9);
        Assert.Equal(GapChange.Eliminated, result.Change);
    }

    [Fact]
    public void SuppressedFocal_IsInsufficientData()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (72, 100), "black" => (4, 8), _ => null });

        var result = Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series);

        Assert.Equal(GapChange.InsufficientData, result.Change);
        Assert.False(result.IsReducedOrEliminated);
        Assert.Null(result.LatestGap);
        Assert.Null(result.LatestFocalRate);
    }

    [Fact]
    public void SuppressedReference_IsInsufficientData()
    {
        var series = Series(p => p switch { "white" => (5, 9), "black" => (50, 100), _ => null }, p => p switch { "black" => (60, 100), _ => null });

        Assert.Equal(GapChange.InsufficientData, Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series).Change);
    }

    [Fact]
    public void InvalidGapDefinition_IsRejected()
    {
        var series = Series(_ => null, _ => null);

        var ex = Assert.Throws<IndicatorValidationException>(() => Rules.Evaluate(new GapDefinition("g", "other-indicator", "female", "martian", GapReference.NamedGroup("martian")), series));

        Assert.Contains(ex.Errors, e => e.Field == "FocalPopulation");
        Assert.Contains(ex.Errors, e => e.Field == "Reference.Population");
        Assert.Contains(ex.Errors, e => e.Field == "IndicatorId");
        Assert.Contains(GapRules.Validate(Gap(GapReference.Complement, focal: "all", gender: "all"), PopulationTaxonomy.Cia2024), e => e.Field == "Reference");
        Assert.Contains(GapRules.Validate(Gap(GapReference.NamedGroup("black")), PopulationTaxonomy.Cia2024), e => e.Field == "Reference.Population");
    }

    [Fact]
    public void ThresholdIsConfigurable()
    {
        var series = Series(p => p switch { "white" => (70, 100), "black" => (50, 100), _ => null }, p => p switch { "white" => (70, 100), "black" => (52, 100), _ => null });

        Assert.Equal(GapChange.Reduced, Rules.Evaluate(Gap(GapReference.NamedGroup("white")), series).Change);
        Assert.Equal(GapChange.Unchanged, new GapRules(new GapOptions { ThresholdPercentagePoints = 3 }).Evaluate(Gap(GapReference.NamedGroup("white")), series).Change);
    }
}
