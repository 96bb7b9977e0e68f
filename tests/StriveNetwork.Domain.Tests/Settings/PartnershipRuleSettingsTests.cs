using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Domain.Tests.Indicators;

namespace StriveNetwork.Domain.Tests.Settings;

public sealed class PartnershipRuleSettingsTests
{
    [Fact]
    public void Defaults_AreTodaysRules()
    {
        var settings = PartnershipRuleSettings.Default;

        Assert.Equal(new SuppressionOptions(), settings.Suppression);
        Assert.Equal(new TrendOptions(), settings.Trends);
        Assert.Equal(new GapOptions(), settings.Gaps);
        Assert.Equal(10, settings.MinimumN);
        Assert.Equal(10, settings.Protection.MinimumRangePercentagePoints);
        Assert.Equal(12, settings.ReevaluationPeriodMonths);
        Assert.Empty(settings.Validate());
    }

    [Fact]
    public void Validate_NamesEveryBadField()
    {
        var settings = new PartnershipRuleSettings
        {
            MinimumN = 0,
            TopCodeAbove = 40,
            TrendAlpha = 1.5,
            GapThresholdPercentagePoints = 0,
            GapEliminationTolerancePercentagePoints = -1,
            Protection = new ProtectionInterval { MinimumRangePercentagePoints = 101 },
            ReevaluationPeriodMonths = 0,
        };

        var fields = settings.Validate().Select(e => e.Field).ToHashSet();

        Assert.Equal(
            ["GapEliminationTolerancePercentagePoints", "GapThresholdPercentagePoints", "MinimumN", "Protection.MinimumRangePercentagePoints", "ReevaluationPeriodMonths", "TopCodeAbove", "TrendAlpha"],
            fields.Order());
        Assert.Throws<IndicatorValidationException>(() => settings.EnsureValid());
        Assert.Throws<IndicatorValidationException>(() => new SmallCellSuppressor(settings));
        Assert.Throws<IndicatorValidationException>(() => new TrendRules(settings));
        Assert.Throws<IndicatorValidationException>(() => new GapRules(settings));
    }

    [Fact]
    public void EveryRule_UsesTheSettingsItIsGiven()
    {
        var settings = new PartnershipRuleSettings { MinimumN = 20, TrendAlpha = 0.2, GapThresholdPercentagePoints = 5, RequireSustainedImprovement = true };

        Assert.Equal(20, new SmallCellSuppressor(settings).Options.MinimumN);
        Assert.Equal(0.2, new TrendRules(settings).Options.Alpha);
        Assert.True(new TrendRules(settings).Options.RequireSustainedImprovement);
        Assert.Equal(5, new GapRules(settings).Options.ThresholdPercentagePoints);

        // A 15-student cell is shown under the default minimum n and hidden under the partnership's 20.
        var series = TestTables.Series(TestTables.Definition(),
            TestTables.Consistent(2020, (g, p) => (g, p) == ("female", "white") ? (8, 15) : TestTables.DefaultPart(g, p)));
        var shown = new SmallCellSuppressor(PartnershipRuleSettings.Default).Publish(series).Cell(1, 2020, new CellKey("female", "white"));
        var hidden = new SmallCellSuppressor(settings).Publish(series).Cell(1, 2020, new CellKey("female", "white"));
        Assert.Equal(CellStatus.Shown, shown!.Status);
        Assert.Equal(CellStatus.Suppressed, hidden!.Status);
    }
}
