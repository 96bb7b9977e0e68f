using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests.Indicators;

public sealed class IndicatorValidationTests
{
    private static readonly IndicatorDefinition Definition = TestTables.Definition(version: 2);

    private static ValidationError Single(Observation observation)
    {
        var errors = IndicatorValidator.Validate(Definition, [observation]);
        return Assert.Single(errors);
    }

    [Fact]
    public void ValidObservation_HasNoErrors()
    {
        Assert.Empty(IndicatorValidator.Validate(Definition, [Observation.Counted(2020, "female", "black", 5, 10)]));
        Assert.Empty(IndicatorValidator.Validate(Definition, [new Observation(2020, "all", "all", null, null, SuppressedAtSource: true, 1)]));
        Assert.Empty(IndicatorValidator.Validate(Definition, [new Observation(2020, "all", "all", null, null, false, 1, ReportedRate: 42.5)]));
    }

    [Fact]
    public void NumeratorAboveDenominator_IsRejected()
    {
        var error = Single(Observation.Counted(2020, "all", "all", 11, 10));
        Assert.Equal(ValidationErrorKind.NumeratorExceedsDenominator, error.Kind);
        Assert.Equal("observations[0].Numerator", error.Field);
        Assert.Contains("11", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NegativeCounts_AreRejected()
    {
        var errors = IndicatorValidator.Validate(Definition, [Observation.Counted(2020, "all", "all", -1, -5)]);
        Assert.Equal(2, errors.Count(e => e.Kind == ValidationErrorKind.NegativeCount));
        Assert.Contains(errors, e => e.Field == "observations[0].Numerator");
        Assert.Contains(errors, e => e.Field == "observations[0].Denominator");
    }

    [Fact]
    public void ZeroDenominator_IsRejected()
    {
        var error = Single(Observation.Counted(2020, "all", "all", 0, 0));
        Assert.Equal(ValidationErrorKind.ZeroDenominator, error.Kind);
        Assert.Equal("observations[0].Denominator", error.Field);
    }

    [Fact]
    public void UnknownPopulationAndGender_AreRejected()
    {
        var population = Single(Observation.Counted(2020, "all", "latino", 1, 10));
        Assert.Equal(ValidationErrorKind.UnknownPopulation, population.Kind);
        Assert.Equal("observations[0].Population", population.Field);

        var gender = Single(Observation.Counted(2020, "nonbinary", "all", 1, 10));
        Assert.Equal(ValidationErrorKind.UnknownGender, gender.Kind);
        Assert.Equal("observations[0].Gender", gender.Field);
    }

    [Theory]
    [InlineData(1989)]
    [InlineData(2101)]
    public void YearOutsideRange_IsRejected(int year)
    {
        var error = Single(Observation.Counted(year, "all", "all", 1, 10));
        Assert.Equal(ValidationErrorKind.YearOutOfRange, error.Kind);
        Assert.Equal("observations[0].Year", error.Field);
    }

    [Theory]
    [InlineData(1990)]
    [InlineData(2100)]
    public void YearAtRangeEdges_IsAccepted(int year) =>
        Assert.Empty(IndicatorValidator.Validate(Definition, [Observation.Counted(year, "all", "all", 1, 10)]));

    [Fact]
    public void DuplicateCellInBatch_IsRejectedNamingBothPositions()
    {
        var errors = IndicatorValidator.Validate(Definition,
        [
            Observation.Counted(2020, "female", "asian", 1, 10),
            Observation.Counted(2020, "female", "asian", 2, 10, definitionVersion: 2),
            Observation.Counted(2020, "female", "asian", 3, 10),
        ]);
        var error = Assert.Single(errors);
        Assert.Equal(ValidationErrorKind.DuplicateCell, error.Kind);
        Assert.Equal("observations[2]", error.Field);
        Assert.Contains("observations[0]", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void MissingValues_AreRejected()
    {
        Assert.Equal(ValidationErrorKind.MissingValue, Single(new Observation(2020, "all", "all", null, null, false, 1)).Kind);
        Assert.Equal(ValidationErrorKind.MissingValue, Single(new Observation(2020, "all", "all", 5, null, false, 1)).Kind);
        Assert.Equal(ValidationErrorKind.RateOutOfRange, Single(new Observation(2020, "all", "all", null, null, false, 1, ReportedRate: 100.5)).Kind);
    }

    [Fact]
    public void FutureDefinitionVersion_IsRejected()
    {
        var error = Single(Observation.Counted(2020, "all", "all", 1, 10, definitionVersion: 3));
        Assert.Equal(ValidationErrorKind.InvalidVersion, error.Kind);
    }

    [Fact]
    public void UnknownOutcome_IsRejectedInDefinition()
    {
        var errors = IndicatorValidator.Validate(Definition with { Outcome = (Outcome)42, Polarity = (Polarity)9, Role = (IndicatorRole)7 });
        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.UnknownOutcome && e.Field == "Outcome");
        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.UnknownPolarity);
        Assert.Contains(errors, e => e.Kind == ValidationErrorKind.UnknownRole);
    }

    [Fact]
    public void DefinitionProblems_AreAllListed()
    {
        var bad = Definition with
        {
            Id = " ",
            BaselineYear = 1980,
            TaxonomyVersion = "CIA-1999",
            Targets = new Dictionary<int, double> { [2030] = 120 },
        };

        var kinds = IndicatorValidator.Validate(bad).Select(e => e.Kind).ToList();

        Assert.Contains(ValidationErrorKind.Required, kinds);
        Assert.Contains(ValidationErrorKind.YearOutOfRange, kinds);
        Assert.Contains(ValidationErrorKind.UnknownTaxonomy, kinds);
        Assert.Contains(ValidationErrorKind.RateOutOfRange, kinds);
    }

    [Fact]
    public void TargetNotAfterBaseline_IsRejected()
    {
        var errors = IndicatorValidator.Validate(Definition with { Targets = new Dictionary<int, double> { [2020] = 50 } });
        var error = Assert.Single(errors);
        Assert.Equal("Targets[2020]", error.Field);
    }

    [Fact]
    public void SeriesWith_RejectsWholeBatchAndListsEveryError()
    {
        var series = IndicatorSeries.Create(Definition);

        var ex = Assert.Throws<IndicatorValidationException>(() => series.With(
        [
            Observation.Counted(2020, "all", "all", 5, 10),
            Observation.Counted(2020, "all", "mystery", 5, 10),
            Observation.Counted(2020, "all", "asian", 11, 10),
        ]));

        Assert.Equal(2, ex.Errors.Count);
        Assert.Contains("observations[1].Population", ex.Message, StringComparison.Ordinal);
        Assert.Equal(0, series.Count);
    }

    [Fact]
    public void SeriesCreate_RejectsInvalidDefinition() =>
        Assert.Throws<IndicatorValidationException>(() => IndicatorSeries.Create(Definition with { DefinitionVersion = 0 }));
}
