using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Indicators;

public sealed class TrendRulesTests
{
    private static readonly CellKey AllAll = new("all", "all");
    private static readonly TrendRules Rules = new();

    private static PublishedCell Counted(int year, long n, long d, int version = 1) =>
        new(AllAll, year, version, CellStatus.Shown, n, d, 100.0 * n / d, PublishedCell.FormatRate(100.0 * n / d), SuppressionReason.None, "Shown.");

    private static PublishedCell RateOnly(int year, double rate) =>
        new(AllAll, year, 1, CellStatus.Shown, null, null, rate, PublishedCell.FormatRate(rate), SuppressionReason.None, "Shown.");

    private static PublishedCell Hidden(int year, CellStatus status) =>
        new(AllAll, year, 1, status, null, status == CellStatus.Coded ? 100 : null, null, status == CellStatus.Coded ? ">95%" : "*", SuppressionReason.Primary, "x");

    [Fact]
    public void ZTest_SignificantIncrease_IsImproved()
    {
        // 40/100 → 60/100: pooled p = 100/200 = 0.5; SE = sqrt(0.5·0.5·(1/100 + 1/100)) = sqrt(0.005) = 0.070711;
        // z = (0.6 − 0.4)/0.070711 = 2.8284; two-sided p = 2·(1 − Φ(2.8284)) = 0.004678 < 0.05.
        var result = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 40, 100), Counted(2024, 60, 100));

        Assert.Equal(TrendDirection.Improved, result.Direction);
        Assert.Equal(TrendMethod.TwoProportionZTest, result.Method);
        Assert.Equal(2.8284, result.Z!.Value, 4);
        Assert.Equal(0.004678, result.P!.Value, 5);
        Assert.Equal(40.0, result.BaselineRate);
        Assert.Equal(60.0, result.LatestRate);
        Assert.Equal(20.0, result.Difference!.Value, 9);
        Assert.True(result.IsMaintainedOrImproved);
    }

    [Fact]
    public void ZTest_SameChangeWithLowerIsBetter_IsWorsened()
    {
        var result = Rules.Evaluate(Polarity.LowerIsBetter, Counted(2020, 40, 100), Counted(2024, 60, 100));

        Assert.Equal(TrendDirection.Worsened, result.Direction);
        Assert.False(result.IsMaintainedOrImproved);
    }

    [Fact]
    public void ZTest_SmallChange_IsMaintained()
    {
        // 50/100 → 55/100: pooled 0.525; SE = sqrt(0.525·0.475·0.02) = 0.070622; z = 0.05/0.070622 = 0.7080;
        // p = 2·(1 − Φ(0.7080)) = 0.4790 ≥ 0.05.
        var result = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 50, 100), Counted(2024, 55, 100));

        Assert.Equal(TrendDirection.Maintained, result.Direction);
        Assert.Equal(0.7080, result.Z!.Value, 3);
        Assert.Equal(0.4790, result.P!.Value, 3);
        Assert.True(result.IsMaintainedOrImproved);
    }

    [Fact]
    public void ZTest_TwoPointsOnLargeCounts_IsSignificant()
    {
        // 5000/10000 → 5200/10000: pooled 0.51; SE = sqrt(0.51·0.49·0.0002) = 0.0070697; z = 0.02/0.0070697 = 2.8290;
        // p ≈ 0.00467: two points is significant at this size, unlike 5 points on 100 students above.
        var result = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 5000, 10000), Counted(2024, 5200, 10000));

        Assert.Equal(TrendDirection.Improved, result.Direction);
        Assert.Equal(2.829, result.Z!.Value, 3);
    }

    [Fact]
    public void ZTest_Decrease_IsWorsenedAndImprovedWhenLowerIsBetter()
    {
        // 30/200 → 15/200: pooled 45/400 = 0.1125; SE = sqrt(0.1125·0.8875·0.01) = 0.031598; z = −0.075/0.031598 = −2.3736; p = 0.0176.
        var higher = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 30, 200), Counted(2024, 15, 200));
        var lower = Rules.Evaluate(Polarity.LowerIsBetter, Counted(2020, 30, 200), Counted(2024, 15, 200));

        Assert.Equal(-2.3736, higher.Z!.Value, 3);
        Assert.Equal(0.0176, higher.P!.Value, 3);
        Assert.Equal(TrendDirection.Worsened, higher.Direction);
        Assert.Equal(TrendDirection.Improved, lower.Direction);
    }

    [Fact]
    public void ZTest_NoVariance_IsMaintained()
    {
        var (z, p) = TrendRules.TwoProportionZTest(0, 50, 0, 80);

        Assert.Equal(0, z);
        Assert.Equal(1, p);
    }

    [Fact]
    public void Alpha_IsConfigurable()
    {
        // 50/100 → 62/100: pooled 0.56; SE = sqrt(0.56·0.44·0.02) = 0.070200; z = 1.7094; p = 0.0874.
        var strict = new TrendRules(new TrendOptions { Alpha = 0.05 }).Evaluate(Polarity.HigherIsBetter, Counted(2020, 50, 100), Counted(2024, 62, 100));
        var loose = new TrendRules(new TrendOptions { Alpha = 0.10 }).Evaluate(Polarity.HigherIsBetter, Counted(2020, 50, 100), Counted(2024, 62, 100));

        Assert.Equal(0.0874, strict.P!.Value, 3);
        Assert.Equal(TrendDirection.Maintained, strict.Direction);
        Assert.Equal(TrendDirection.Improved, loose.Direction);
    }

    [Theory]
    [InlineData(50.0, 51.5, Polarity.HigherIsBetter, TrendDirection.Improved)]
    [InlineData(50.0, 51.0, Polarity.HigherIsBetter, TrendDirection.Maintained)]
    [InlineData(50.0, 49.2, Polarity.HigherIsBetter, TrendDirection.Maintained)]
    [InlineData(50.0, 48.9, Polarity.HigherIsBetter, TrendDirection.Worsened)]
    [InlineData(50.0, 48.9, Polarity.LowerIsBetter, TrendDirection.Improved)]
    [InlineData(50.0, 51.5, Polarity.LowerIsBetter, TrendDirection.Worsened)]
    public void RatesOnly_UseToleranceBand(double baseline, double latest, Polarity polarity, TrendDirection expected)
    {
        var result = Rules.Evaluate(polarity, RateOnly(2020, baseline), RateOnly(2024, latest));

        Assert.Equal(expected, result.Direction);
        Assert.Equal(TrendMethod.ToleranceBand, result.Method);
        Assert.Null(result.Z);
    }

    [Fact]
    public void MixedCountsAndRate_UseToleranceBand()
    {
        var result = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 50, 100), RateOnly(2024, 53));

        Assert.Equal(TrendMethod.ToleranceBand, result.Method);
        Assert.Equal(TrendDirection.Improved, result.Direction);
    }

    [Fact]
    public void ToleranceBand_IsConfigurable()
    {
        var wide = new TrendRules(new TrendOptions { TolerancePercentagePoints = 3 });

        Assert.Equal(TrendDirection.Maintained, wide.Evaluate(Polarity.HigherIsBetter, RateOnly(2020, 50), RateOnly(2024, 52.5)).Direction);
    }

    [Theory]
    [InlineData(CellStatus.Suppressed)]
    [InlineData(CellStatus.Missing)]
    [InlineData(CellStatus.Coded)]
    public void UnpublishedCell_IsInsufficientData(CellStatus status)
    {
        var latestHidden = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 40, 100), Hidden(2024, status));
        var baselineHidden = Rules.Evaluate(Polarity.HigherIsBetter, Hidden(2020, status), Counted(2024, 40, 100));

        Assert.Equal(TrendDirection.InsufficientData, latestHidden.Direction);
        Assert.Equal(TrendDirection.InsufficientData, baselineHidden.Direction);
        Assert.False(latestHidden.IsMaintainedOrImproved);
        Assert.Null(latestHidden.BaselineRate);
    }

    [Fact]
    public void DefinitionChange_IsInsufficientDataAndSaysWhy()
    {
        var result = Rules.Evaluate(Polarity.HigherIsBetter, Counted(2020, 40, 100, version: 1), Counted(2024, 60, 100, version: 2));

        Assert.Equal(TrendDirection.InsufficientData, result.Direction);
        Assert.Contains("definition change", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Series_ComparesBaselineWithLatestOfCurrentVersion()
    {
        var series = TestTables.Series(TestTables.Definition(),
            TestTables.Consistent(2020, (_, p) => p == "low-income" ? (20, 40) : p == "ell" ? (10, 20) : (40, 100)),
            TestTables.Consistent(2022, (_, p) => p == "low-income" ? (20, 40) : p == "ell" ? (10, 20) : (45, 100)),
            TestTables.Consistent(2024, (_, p) => p == "low-income" ? (20, 40) : p == "ell" ? (10, 20) : (60, 100)));
        var published = new SmallCellSuppressor().Publish(series);

        var result = Rules.Evaluate(published, new CellKey("female", "white"));

        Assert.Equal(2020, result.BaselineYear);
        Assert.Equal(2024, result.LatestYear);
        Assert.Equal(TrendDirection.Improved, result.Direction);
    }

    [Fact]
    public void Series_AcrossDefinitionChange_IsInsufficientData()
    {
        var v1 = TestTables.Series(TestTables.Definition(), TestTables.Consistent(2020));
        var v2 = v1.WithDefinition(TestTables.Definition(version: 2)).With(TestTables.Consistent(2024, version: 2));
        var published = new SmallCellSuppressor().Publish(v2);

        var result = Rules.Evaluate(published, new CellKey("all", "all"));

        Assert.Equal(TrendDirection.InsufficientData, result.Direction);
        Assert.Contains("only under definition v1", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Series_SuppressedBySuppressor_IsInsufficientData()
    {
        var series = TestTables.Series(TestTables.Definition(),
            TestTables.Consistent(2020),
            TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "aian") ? (3, 7) : TestTables.DefaultPart(g, p)));
        var published = new SmallCellSuppressor().Publish(series);

        Assert.Equal(TrendDirection.InsufficientData, Rules.Evaluate(published, new CellKey("female", "aian")).Direction);
        Assert.Equal(TrendDirection.InsufficientData, Rules.Evaluate(published, new CellKey("male", "aian")).Direction);
        Assert.Equal(TrendDirection.Maintained, Rules.Evaluate(published, new CellKey("female", "white")).Direction);
    }

    [Fact]
    public void Series_WithoutLaterYear_IsInsufficientData()
    {
        var published = new SmallCellSuppressor().Publish(TestTables.Series(TestTables.Definition(), TestTables.Consistent(2020)));

        Assert.Equal(TrendDirection.InsufficientData, Rules.Evaluate(published, new CellKey("all", "all")).Direction);
    }

    [Fact]
    public void Improving_OptionallyNeedsTwoImprovedComparisons()
    {
        static (long, long) Year(string p, long n) => p == "low-income" ? (20, 40) : p == "ell" ? (10, 20) : (n, 100);
        var series = TestTables.Series(TestTables.Definition(),
            TestTables.Consistent(2020, (_, p) => Year(p, 40)),
            TestTables.Consistent(2022, (_, p) => Year(p, 42)),
            TestTables.Consistent(2024, (_, p) => Year(p, 60)));
        var published = new SmallCellSuppressor().Publish(series);
        var cell = new CellKey("all", "all");

        var simple = new TrendRules().Improving(published, cell);
        var sustained = new TrendRules(new TrendOptions { RequireSustainedImprovement = true }).Improving(published, cell);

        // all/all: 2020 720/1800 vs 2022 756/1800 → pooled 0.41, SE = sqrt(0.41·0.59·2/1800) = 0.016393, z = 1.22: not significant.
        Assert.True(simple.IsImproving);
        Assert.False(sustained.IsImproving);
        Assert.Equal(TrendDirection.Maintained, sustained.Previous!.Direction);
    }

    [Fact]
    public void InvalidOptions_AreRejected() =>
        Assert.Throws<IndicatorValidationException>(() => new TrendRules(new TrendOptions { Alpha = 1.5 }));

    [Fact]
    public void NormalUpperTail_MatchesTables()
    {
        Assert.Equal(0.5, TrendRules.NormalUpperTail(0), 6);
        Assert.Equal(0.025, TrendRules.NormalUpperTail(1.959964), 6);
        Assert.Equal(0.158655, TrendRules.NormalUpperTail(1), 6);
        Assert.Equal(0.841345, TrendRules.NormalUpperTail(-1), 6);
    }
}
