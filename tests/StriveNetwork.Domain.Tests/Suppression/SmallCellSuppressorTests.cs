using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Domain.Tests.Indicators;

namespace StriveNetwork.Domain.Tests.Suppression;

public sealed class SmallCellSuppressorTests
{
    private static SuppressedTable Run(List<Observation> observations, SuppressionOptions? options = null) =>
        new SmallCellSuppressor(options).Suppress(PopulationTaxonomy.Cia2024, 2024, 1, observations.ToDictionary(o => o.Cell));

    private static HashSet<string> Suppressed(SuppressedTable table) =>
        [.. table.Cells.Values.Where(c => c.Status == CellStatus.Suppressed).Select(c => c.Cell.ToString())];

    [Fact]
    public void LargeConsistentTable_ShowsEverything()
    {
        var table = Run(TestTables.Consistent(2024));

        Assert.All(table.Cells.Values, c => Assert.Equal(CellStatus.Shown, c.Status));
        Assert.Equal("50.0%", table.Get("female", "black").Display);
        Assert.Equal(900, table.Get("female", "all").Denominator);
    }

    [Fact]
    public void SmallDenominator_IsPrimaryAndPartnersAreComplementary()
    {
        // female/aian has 5 students (primary). female/asian is the smallest other female race group (30), so it
        // is hidden to protect the female row; the gender splits of aian and asian then hide the male cells.
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) switch
        {
            ("female", "aian") => (2, 5),
            ("female", "asian") => (15, 30),
            _ => TestTables.DefaultPart(g, p),
        }));

        Assert.Equal(SuppressionReason.Primary, table.Get("female", "aian").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("female", "asian").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("male", "aian").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("male", "asian").Reason);
        Assert.Equal(["female/aian", "female/asian", "male/aian", "male/asian"], Suppressed(table).Order());
        Assert.Equal(CellStatus.Shown, table.Get("all", "aian").Status);
    }

    [Fact]
    public void SuppressedCell_PublishesOnlyTheSymbol()
    {
        var cell = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("male", "nhpi") ? (1, 3) : TestTables.DefaultPart(g, p))).Get("male", "nhpi");

        Assert.Equal(CellStatus.Suppressed, cell.Status);
        Assert.Equal("*", cell.Display);
        Assert.Null(cell.Numerator);
        Assert.Null(cell.Denominator);
        Assert.Null(cell.Rate);
        Assert.False(cell.HasExactRate);
    }

    [Fact]
    public void ForPublication_RemovesSuppressionReasons()
    {
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "aian") ? (2, 5) : TestTables.DefaultPart(g, p))).ForPublication();

        Assert.All(table.Cells.Values.Where(c => c.Status == CellStatus.Suppressed), c =>
        {
            Assert.Equal(SuppressionReason.None, c.Reason);
            Assert.Equal("Suppressed.", c.Explanation);
        });
        Assert.Equal(4, table.Cells.Values.Count(c => c.Status == CellStatus.Suppressed));
        Assert.Equal("50.0%", table.Get("female", "white").Display);
    }

    [Theory]
    [InlineData(9, true)]
    [InlineData(10, false)]
    public void MinimumN_DefaultIsTen(long denominator, bool suppressed)
    {
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (denominator / 2, denominator) : TestTables.DefaultPart(g, p)));

        Assert.Equal(suppressed, table.Get("female", "white").Status == CellStatus.Suppressed);
    }

    [Fact]
    public void MinimumN_IsConfigurable()
    {
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (8, 15) : TestTables.DefaultPart(g, p)),
            new SuppressionOptions { MinimumN = 20 });

        Assert.Equal(SuppressionReason.Primary, table.Get("female", "white").Reason);
    }

    [Fact]
    public void MinimumOutcomeCount_HidesRatesWithFewStudentsOnOneSide()
    {
        var observations = TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (7, 100) : TestTables.DefaultPart(g, p));

        Assert.Equal("7.0%", Run(observations).Get("female", "white").Display);
        Assert.Equal(SuppressionReason.Primary, Run(observations, new SuppressionOptions { MinimumOutcomeCount = 8 }).Get("female", "white").Reason);
    }

    [Fact]
    public void SmallLowIncomeComplement_HidesLowIncome()
    {
        // Female All Students = 900; female low income = 895, so "not low income" = 5 students: derivable by
        // subtraction if both were shown. Low income is hidden, and its gender split hides male low income.
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "low-income") ? (450, 895) : TestTables.DefaultPart(g, p)));

        Assert.Equal(SuppressionReason.Complementary, table.Get("female", "low-income").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("male", "low-income").Reason);
        Assert.Equal(CellStatus.Shown, table.Get("female", "all").Status);
        Assert.Equal(2, Suppressed(table).Count);
    }

    [Fact]
    public void SmallLowIncome_NeedsNoPartnerAgainstAllStudents()
    {
        // Low income itself is small; its complement is never shown, so only the gender split needs a partner.
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "ell") ? (2, 6) : TestTables.DefaultPart(g, p)));

        Assert.Equal(SuppressionReason.Primary, table.Get("female", "ell").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("male", "ell").Reason);
        Assert.Equal(2, Suppressed(table).Count);
    }

    [Theory]
    [InlineData(96, 100, ">95%")]
    [InlineData(4, 100, "<5%")]
    [InlineData(0, 21, "<5%")]
    [InlineData(21, 21, ">95%")]
    public void ExtremeRates_AreCodedWithDenominatorButNoNumerator(long n, long d, string display)
    {
        // Every cell is extreme, so every relation has several coded members and no count can be derived.
        var table = Run(TestTables.Consistent(2024, (_, _) => (n, d)));

        Assert.All(table.Cells.Values, c => Assert.Equal(CellStatus.Coded, c.Status));
        var cell = table.Get("female", "white");
        Assert.Equal(display, cell.Display);
        Assert.Null(cell.Numerator);
        Assert.Null(cell.Rate);
        Assert.Equal(d, cell.Denominator);
        Assert.Equal(18 * d, table.Get("all", "all").Denominator);
    }

    [Theory]
    [InlineData(19, 20, "95.0%")]
    [InlineData(1, 20, "5.0%")]
    public void RatesAtTheCodingThresholds_AreShown(long n, long d, string display)
    {
        var cell = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (n, d) : TestTables.DefaultPart(g, p))).Get("female", "white");

        Assert.Equal(CellStatus.Shown, cell.Status);
        Assert.Equal(display, cell.Display);
    }

    [Theory]
    [InlineData(0, 20)]
    [InlineData(20, 20)]
    [InlineData(0, 12)]
    public void CodedRangeThatPinsTheCount_IsPrimary(long n, long d)
    {
        // "<5%" of 20 can only mean 0 of 20, so the range would disclose every student's status.
        var cell = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (n, d) : TestTables.DefaultPart(g, p))).Get("female", "white");

        Assert.Equal(SuppressionReason.Primary, cell.Reason);
    }

    [Fact]
    public void LoneCodedCell_IsSuppressedBecauseItsCountCouldBeDerived()
    {
        // female/white is 96 of 100: coded alone, its numerator would be all/white − male/white = 146 − 50, so the
        // range would be pointless. Hiding male/white is not enough (male's denominator = 200 − 100 through the
        // coded cell's shown denominator), so both are hidden, as in Delaware's "suppress when counts can be derived".
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (96, 100) : TestTables.DefaultPart(g, p)));

        Assert.Equal(CellStatus.Suppressed, table.Get("female", "white").Status);
        Assert.Equal(CellStatus.Suppressed, table.Get("male", "white").Status);
        Assert.Equal(CellStatus.Shown, table.Get("all", "white").Status);
    }

    [Fact]
    public void CodingCanBeTurnedOff()
    {
        var table = Run(TestTables.Consistent(2024, (g, p) => (g, p) == ("female", "white") ? (100, 100) : TestTables.DefaultPart(g, p)),
            new SuppressionOptions { TopCodeAbove = null, BottomCodeBelow = null });

        Assert.Equal("100.0%", table.Get("female", "white").Display);
        Assert.Empty(Suppressed(table));
    }

    [Fact]
    public void SourceSuppressedCell_IsKeptSuppressedAndProtected()
    {
        var observations = TestTables.Consistent(2024);
        var index = observations.FindIndex(o => o.Cell == new CellKey("male", "hispanic"));
        observations[index] = new Observation(2024, "male", "hispanic", null, null, SuppressedAtSource: true, 1);

        var table = Run(observations);

        Assert.Equal(SuppressionReason.SuppressedAtSource, table.Get("male", "hispanic").Reason);
        Assert.Equal(SuppressionReason.Complementary, table.Get("female", "hispanic").Reason);
    }

    [Fact]
    public void MissingCell_IsProtectedUnlessConfiguredOtherwise()
    {
        var observations = TestTables.Consistent(2024).Where(o => o.Cell != new CellKey("female", "mena")).ToList();

        var strict = Run(observations);
        var lenient = Run(observations, new SuppressionOptions { TreatMissingCellsAsSensitive = false });

        Assert.Equal(CellStatus.Missing, strict.Get("female", "mena").Status);
        Assert.Equal("n/a", strict.Get("female", "mena").Display);
        Assert.NotEmpty(Suppressed(strict));
        Assert.Empty(Suppressed(lenient));
    }

    [Fact]
    public void InvalidOptions_AreRejected()
    {
        var ex = Assert.Throws<IndicatorValidationException>(() => new SmallCellSuppressor(new SuppressionOptions { MinimumN = 0, TopCodeAbove = 101 }));

        Assert.Contains(ex.Errors, e => e.Field == nameof(SuppressionOptions.MinimumN));
        Assert.Contains(ex.Errors, e => e.Field == nameof(SuppressionOptions.TopCodeAbove));
    }

    [Fact]
    public void UnknownCell_IsRejected()
    {
        var observations = new Dictionary<CellKey, Observation> { [new("all", "martian")] = Observation.Counted(2024, "all", "martian", 1, 10) };

        Assert.Throws<IndicatorValidationException>(() => new SmallCellSuppressor().Suppress(PopulationTaxonomy.Cia2024, 2024, 1, observations));
    }

    [Fact]
    public void Publish_SuppressesEveryYearAndVersion()
    {
        var series = TestTables.Series(TestTables.Definition(), TestTables.Consistent(2020), TestTables.Consistent(2021, (g, p) => (g, p) == ("female", "aian") ? (1, 4) : TestTables.DefaultPart(g, p)));

        var published = new SmallCellSuppressor().Publish(series);

        Assert.Equal([2020, 2021], published.Years(1));
        Assert.Equal(CellStatus.Shown, published.Cell(1, 2020, new("female", "aian"))!.Status);
        Assert.Equal(CellStatus.Suppressed, published.Cell(1, 2021, new("female", "aian"))!.Status);
    }
}

/// <summary><see cref="SmallCellSuppressor.Republish"/>: suppressing only the changed tables gives what a full publication gives.</summary>
public sealed class SmallCellSuppressorRepublishTests
{
    private static (long N, long D) Small(string g, string p) => (g, p) switch
    {
        ("female", "aian") => (2, 5),
        ("female", "asian") => (15, 30),
        _ => TestTables.DefaultPart(g, p),
    };

    [Fact]
    public void Republish_OfTheChangedYears_EqualsAFullPublish_AndKeepsTheUnchangedTables()
    {
        var suppressor = new SmallCellSuppressor();
        var definition = TestTables.Definition(baselineYear: 2020);
        var before = IndicatorSeries.Create(definition)
            .With(TestTables.Consistent(2020))
            .With(TestTables.Consistent(2021));
        var previous = suppressor.Publish(before);

        // 2021 changes (a small group appears), 2022 is new; 2020 is untouched.
        var after = IndicatorSeries.Create(definition)
            .With(TestTables.Consistent(2020))
            .With(TestTables.Consistent(2021, Small))
            .With(TestTables.Consistent(2022, Small));
        var republished = suppressor.Republish(after, previous, new HashSet<(int, int)> { (1, 2021), (1, 2022) });
        var full = suppressor.Publish(after);

        Assert.Equal(full.Tables.Select(t => (t.DefinitionVersion, t.Year)), republished.Tables.Select(t => (t.DefinitionVersion, t.Year)));
        foreach (var table in full.Tables)
        {
            var other = republished.Table(table.DefinitionVersion, table.Year)!;
            Assert.Equal(table.InOrder(), other.InOrder());
        }

        Assert.Same(previous.Table(1, 2020), republished.Table(1, 2020));
        Assert.Equal(SuppressionReason.Primary, republished.Table(1, 2021)!.Get("female", "aian").Reason);
    }

    [Fact]
    public void Republish_WithoutTheChangedYear_KeepsTheOldTable()
    {
        // The caller names what changed; a table left out is taken as it was (this is what makes it cheap).
        var suppressor = new SmallCellSuppressor();
        var definition = TestTables.Definition(baselineYear: 2020);
        var previous = suppressor.Publish(IndicatorSeries.Create(definition).With(TestTables.Consistent(2020)));
        var after = IndicatorSeries.Create(definition).With(TestTables.Consistent(2020, Small));

        Assert.Same(previous.Table(1, 2020), suppressor.Republish(after, previous, new HashSet<(int, int)>()).Table(1, 2020));
        Assert.Equal(SuppressionReason.Primary, suppressor.Republish(after, previous, new HashSet<(int, int)> { (1, 2020) }).Table(1, 2020)!.Get("female", "aian").Reason);
    }
}
