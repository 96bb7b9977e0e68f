using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Tests;

public sealed class ObservationImportTests : IDisposable
{
    private const string Partnership = "demo-partnership";
    private const string Reading = "grade3-reading";
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly string[] LongHeader = ["Year", "Gender", "Population", "N", "D", "Suppressed"];

    private static IEnumerable<string[]> ValidLong() =>
    [
        LongHeader,
        ["2023", "All", "All Students", "420", "1000", ""],
        ["2023", "Female", "Black or African American", "35", "80", ""],
        ["2023", "Male", "Native Hawaiian or Pacific Islander", "", "", "*"],
        ["2024", "all", "low-income", "120", "300", ""],
        ["2024", "Male", "English Language Learner", "n<10", "n<10", ""],
    ];

    private static IEnumerable<string[]> ValidWide() =>
    [
        ["Gender", "Population", "N 2024", "D 2024", "N 2023", "D 2023"],
        ["All", "All Students", "450", "1000", "420", "1000"],
        ["Female", "Asian", "NA", "NA", "30", "60"],
        ["Male", "Native Hawaiian or Pacific Islander", "*", "*", "", ""],
    ];

    private string Write(string name, TableFormat format, IEnumerable<string[]> rows) =>
        format == TableFormat.Csv ? _files.Csv(name + ".csv", rows) : _files.Xlsx(name + ".xlsx", rows);

    private static async Task<(ImportOutcome Outcome, string Report)> ImportAsync(FakeTarget fake, string path, ObservationLayout layout, string? indicator = Reading)
    {
        using var text = new StringWriter();
        var report = new ProblemReport(text);
        var outcome = await new ObservationImporter(fake.AsTarget()).ImportAsync(
            new ObservationImportRequest(path, TableFormats.FromPath(path)!.Value, layout, Partnership, indicator), report);
        return (outcome, text.ToString());
    }

    [Theory]
    [InlineData(TableFormat.Csv)]
    [InlineData(TableFormat.Xlsx)]
    public async Task LongFile_Valid_IsAppliedWithCountsAndSourceMarkers(TableFormat format)
    {
        var fake = new FakeTarget().Indicator(Reading, version: 3);
        var (outcome, report) = await ImportAsync(fake, Write("long", format, ValidLong()), ObservationLayout.Long);

        Assert.True(outcome.Applied);
        Assert.False(outcome.Unchanged);
        Assert.Equal(0, outcome.Problems);
        Assert.Equal((5, 5, 5), (outcome.Rows, outcome.Items, outcome.Accepted));
        Assert.Equal(ProblemReport.Header + Environment.NewLine, report);
        Assert.Equal((420L, 1000L, (string?)null), ((long, long, string?))(fake.Cells[(Reading, 2023, "all", "all")].N!.Value, fake.Cells[(Reading, 2023, "all", "all")].D!.Value, null));
        Assert.Equal(((long?)null, (long?)null, "*"), fake.Cells[(Reading, 2023, "male", "nhpi")]);
        Assert.Equal(((long?)null, (long?)null, "n<10"), fake.Cells[(Reading, 2024, "male", "ell")]);
        Assert.Equal(((long?)120, (long?)300, (string?)null), fake.Cells[(Reading, 2024, "all", "low-income")]);
    }

    [Theory]
    [InlineData(TableFormat.Csv)]
    [InlineData(TableFormat.Xlsx)]
    public async Task WideFile_Valid_PairsNAndDByYear_SkipsNA_KeepsMarkers(TableFormat format)
    {
        var fake = new FakeTarget().Indicator(Reading);
        var (outcome, _) = await ImportAsync(fake, Write("wide", format, ValidWide()), ObservationLayout.Wide);

        Assert.True(outcome.Applied);
        Assert.Equal(3, outcome.Rows);
        Assert.Equal(4, outcome.Items); // 2 + 1 (2024 is NA) + 1 (2023 is empty)
        Assert.Equal(((long?)450, (long?)1000, (string?)null), fake.Cells[(Reading, 2024, "all", "all")]);
        Assert.Equal(((long?)420, (long?)1000, (string?)null), fake.Cells[(Reading, 2023, "all", "all")]);
        Assert.Equal(((long?)30, (long?)60, (string?)null), fake.Cells[(Reading, 2023, "female", "asian")]);
        Assert.False(fake.Cells.ContainsKey((Reading, 2024, "female", "asian")));
        Assert.Equal(((long?)null, (long?)null, "*"), fake.Cells[(Reading, 2024, "male", "nhpi")]);
        Assert.Equal(4, fake.Cells.Count);
    }

    [Theory]
    [InlineData(TableFormat.Csv, ObservationLayout.Long)]
    [InlineData(TableFormat.Xlsx, ObservationLayout.Long)]
    [InlineData(TableFormat.Csv, ObservationLayout.Wide)]
    [InlineData(TableFormat.Xlsx, ObservationLayout.Wide)]
    public async Task SameFileTwice_SecondIsAReplay_ChangesNothing_AndSaysSo(TableFormat format, ObservationLayout layout)
    {
        var fake = new FakeTarget().Indicator(Reading);
        var path = Write("twice", format, layout == ObservationLayout.Long ? ValidLong() : ValidWide());
        var (first, _) = await ImportAsync(fake, path, layout);
        var cells = fake.Cells.ToDictionary();

        var (second, _) = await ImportAsync(fake, path, layout);

        Assert.True(first.Applied);
        Assert.False(first.Unchanged);
        Assert.True(second.Applied);
        Assert.True(second.Unchanged);
        Assert.Equal(1, fake.Replays);
        Assert.Equal(cells, fake.Cells.ToDictionary());
    }

    [Fact]
    public async Task SameFileIntoAnotherIndicator_IsNotAReplay()
    {
        var fake = new FakeTarget().Indicator(Reading).Indicator("grade8-math");
        var path = Write("two", TableFormat.Csv, ValidLong());
        await ImportAsync(fake, path, ObservationLayout.Long);
        var (other, _) = await ImportAsync(fake, path, ObservationLayout.Long, "grade8-math");

        Assert.False(other.Unchanged);
        Assert.Equal(0, fake.Replays);
        Assert.Equal(10, fake.Cells.Count);
    }

    [Theory]
    [InlineData(TableFormat.Csv)]
    [InlineData(TableFormat.Xlsx)]
    public async Task Malformed_MissingColumns_ReportsTheHeader_AppliesNothing(TableFormat format)
    {
        var fake = new FakeTarget().Indicator(Reading);
        var (outcome, report) = await ImportAsync(fake, Write("malformed", format, [["Year", "Sex", "Population", "Numerator"], ["2023", "All", "All Students", "4"]]), ObservationLayout.Long);

        Assert.False(outcome.Applied);
        Assert.Equal(0, fake.Uploads);
        var lines = report.TrimEnd().Split(Environment.NewLine);
        Assert.Equal(ProblemReport.Header, lines[0]);
        Assert.Contains("1,Gender,,the header has no column Gender (the long layout needs it)", lines);
        Assert.Contains("1,D,,the header has no column D (the long layout needs it)", lines);
        Assert.Equal(3, lines.Length);
    }

    [Fact]
    public async Task Malformed_NotATableAtAll_IsAFormatError()
    {
        var path = _files.PathOf("fake.xlsx");
        await File.WriteAllTextAsync(path, "Year,Gender\n2023,All\n");
        var fake = new FakeTarget().Indicator(Reading);

        await Assert.ThrowsAsync<TableFormatException>(() => ImportAsync(fake, path, ObservationLayout.Long));
        Assert.Equal(0, fake.Uploads);
    }

    [Fact]
    public async Task WideHeader_WithAnUnpairedYear_IsAProblem()
    {
        var fake = new FakeTarget().Indicator(Reading);
        var (outcome, report) = await ImportAsync(fake, Write("unpaired", TableFormat.Csv, [["Gender", "Population", "N 2024", "D 2024", "N 2023"], ["All", "All Students", "1", "2", "3"]]), ObservationLayout.Wide);

        Assert.False(outcome.Applied);
        Assert.Contains("1,D 2023,,the year 2023 needs both an N 2023 and a D 2023 column", report);
    }

    [Theory]
    [InlineData(TableFormat.Csv, ObservationLayout.Long)]
    [InlineData(TableFormat.Xlsx, ObservationLayout.Long)]
    [InlineData(TableFormat.Csv, ObservationLayout.Wide)]
    [InlineData(TableFormat.Xlsx, ObservationLayout.Wide)]
    public async Task Mixed_GoodAndBadRows_EveryBadRowIsReported_NothingIsApplied(TableFormat format, ObservationLayout layout)
    {
        var fake = new FakeTarget().Indicator(Reading);
        IEnumerable<string[]> rows = layout == ObservationLayout.Long
            ?
            [
                LongHeader,
                ["2023", "All", "All Students", "420", "1000", ""],      // 2: good
                ["2023", "Female", "Martians", "1", "2", ""],            // 3: unknown population
                ["2023", "All", "Asian", "15", "12", ""],               // 4: numerator above denominator
                ["1899", "All", "White", "1", "2", ""],                 // 5: year
                ["2023", "Male", "White", "1", "", ""],                 // 6: D missing
                ["2023", "All", "All Students", "421", "1000", ""],     // 7: duplicate of row 2
                ["2024", "Male", "Asian", "0", "0", ""],                // 8: zero denominator
                ["2024", "Male", "Black or African American", "4", "9", "*"], // 9: marker with counts
            ]
            :
            [
                ["Gender", "Population", "N 2024", "D 2024", "N 2023", "D 2023"],
                ["All", "All Students", "450", "1000", "420", "1000"],  // 2: good
                ["Female", "Martians", "1", "2", "", ""],               // 3: unknown population
                ["All", "Asian", "15", "12", "x1", "4"],                // 4: N > D in 2024, not a number in 2023
                ["All", "All Students", "1", "2", "", ""],              // 5: duplicate of row 2 (2024)
                ["Male", "White", "", "5", "", ""],                     // 6: N missing
            ];
        var (outcome, report) = await ImportAsync(fake, Write("mixed", format, rows), layout);

        Assert.False(outcome.Applied);
        Assert.Equal(0, fake.Uploads);
        Assert.Empty(fake.Cells);
        var problemRows = report.TrimEnd().Split(Environment.NewLine).Skip(1).Select(l => int.Parse(l[..l.IndexOf(',')])).Distinct().Order().ToList();
        Assert.Equal(layout == ObservationLayout.Long ? [3, 4, 5, 6, 7, 8, 9] : [3, 4, 5, 6], problemRows);
        Assert.Equal(problemRows.Count, outcome.FirstProblems.Select(p => p.Row).Distinct().Count());
        if (layout == ObservationLayout.Wide)
        {
            Assert.Contains("4,N 2024,15,Numerator 15 is above denominator 12.", report);
            Assert.Contains("4,N 2023,x1,\"not a whole number, NA or a suppression marker (such as *, - or n<10)\"", report);
        }
        else
        {
            Assert.Contains("3,Population,Martians,not a population of taxonomy CIA-2024", report);
            Assert.Contains("7,Gender,,the cell all/all 2023 of indicator 'grade3-reading' appears earlier in the file", report);
        }
    }

    [Fact]
    public async Task UnknownIndicator_IsReported_ForEveryRow()
    {
        var fake = new FakeTarget();
        var (outcome, report) = await ImportAsync(fake, Write("unknown", TableFormat.Csv, ValidLong()), ObservationLayout.Long);

        Assert.False(outcome.Applied);
        Assert.Equal(5, outcome.Problems);
        Assert.Contains("2,Indicator,grade3-reading,partnership 'demo-partnership' has no such indicator", report);
    }

    [Fact]
    public async Task ClientText_IsCappedInTheReport_AndFormulasAreDefused()
    {
        var fake = new FakeTarget().Indicator(Reading);
        var longValue = new string('x', 5_000);
        var (outcome, report) = await ImportAsync(fake, Write("hostile", TableFormat.Csv,
        [
            LongHeader,
            ["2023", "All", longValue, "1", "2", ""],
            ["2023", "=HYPERLINK(\"http://x\")", "Asian", "1", "2", ""],
        ]), ObservationLayout.Long);

        Assert.False(outcome.Applied);
        Assert.DoesNotContain(new string('x', ImportProblem.MaxValueLength), report);
        Assert.Contains(new string('x', ImportProblem.MaxValueLength - 1) + "…", report);
        Assert.Contains("3,Gender,\"'=HYPERLINK(\"\"http://x\"\")\"", report);
        Assert.All(outcome.FirstProblems, p => Assert.InRange(p.Value.Length, 0, ImportProblem.MaxValueLength));
    }

    [Fact]
    public async Task IndicatorColumn_NamesEachRowsIndicator_WhenNoneIsGiven()
    {
        var fake = new FakeTarget().Indicator(Reading).Indicator("grade8-math", version: 2);
        var (outcome, _) = await ImportAsync(fake, Write("multi", TableFormat.Csv,
        [
            ["Indicator", "Year", "Gender", "Population", "N", "D"],
            [Reading, "2023", "All", "All Students", "1", "2"],
            ["grade8-math", "2023", "All", "All Students", "3", "4"],
        ]), ObservationLayout.Long, indicator: null);

        Assert.True(outcome.Applied);
        Assert.Equal(((long?)3, (long?)4, (string?)null), fake.Cells[("grade8-math", 2023, "all", "all")]);
    }
}
