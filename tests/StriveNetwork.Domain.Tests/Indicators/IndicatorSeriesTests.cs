using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests.Indicators;

public sealed class IndicatorSeriesTests
{
    private static readonly CellKey AllAll = new("all", "all");

    [Fact]
    public void With_ReplacesSameCellYearAndVersion()
    {
        var series = IndicatorSeries.Create(TestTables.Definition())
            .With([Observation.Counted(2020, "all", "all", 10, 100)])
            .With([Observation.Counted(2020, "all", "all", 20, 100)]);

        Assert.Equal(1, series.Count);
        Assert.Equal(20, series.Get(1, 2020, AllAll)!.Numerator);
    }

    [Fact]
    public void DefinitionVersions_AreKeptApart()
    {
        var v1 = IndicatorSeries.Create(TestTables.Definition())
            .With([Observation.Counted(2020, "all", "all", 10, 100)]);
        var v2 = v1.WithDefinition(TestTables.Definition(version: 2))
            .With([Observation.Counted(2020, "all", "all", 30, 100, definitionVersion: 2)]);

        Assert.Equal(2, v2.Count);
        Assert.Equal(10, v2.Get(1, 2020, AllAll)!.Numerator);
        Assert.Equal(30, v2.Get(2, 2020, AllAll)!.Numerator);
        Assert.Equal([1, 2], v2.Versions());
        Assert.Single(v2.Table(2, 2020));
    }

    [Fact]
    public void WithDefinition_RejectsGoingBackOrChangingId()
    {
        var series = IndicatorSeries.Create(TestTables.Definition(version: 2));

        Assert.Throws<IndicatorValidationException>(() => series.WithDefinition(TestTables.Definition(version: 1)));
        Assert.Throws<IndicatorValidationException>(() => series.WithDefinition(TestTables.Definition(version: 3, id: "other")));
    }

    [Fact]
    public void Observation_RateComesFromCountsElseReportedRate()
    {
        Assert.Equal(25.0, Observation.Counted(2020, "all", "all", 1, 4).Rate);
        Assert.Equal(12.5, new Observation(2020, "all", "all", null, null, false, 1, 12.5).Rate);
        Assert.Null(new Observation(2020, "all", "all", 1, 4, SuppressedAtSource: true, 1).Rate);
    }

    [Fact]
    public void TargetFor_PicksNextTargetElseLast()
    {
        var definition = TestTables.Definition(targets: new Dictionary<int, double> { [2025] = 60, [2030] = 75 });

        Assert.Equal(2025, definition.TargetFor(2021)!.Value.Key);
        Assert.Equal(2030, definition.TargetFor(2026)!.Value.Key);
        Assert.Equal(2030, definition.TargetFor(2035)!.Value.Key);
        Assert.Null((definition with { Targets = new Dictionary<int, double>() }).TargetFor(2021));
    }
}
