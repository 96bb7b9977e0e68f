using StriveNetwork.Import.Assessments;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Tests;

public sealed class AssessmentImportTests : IDisposable
{
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    private static readonly string[] Header = ["Benchmark", "Status", "Date", "Assessor", "Evidence"];

    private static async Task<(StriveNetwork.Import.Applying.ImportOutcome Outcome, string Report)> ImportAsync(FakeTarget fake, string path)
    {
        using var text = new StringWriter();
        var outcome = await new AssessmentImporter(fake.AsTarget()).ImportAsync(
            new AssessmentImportRequest(path, TableFormats.FromPath(path)!.Value, "demo-partnership"), new ProblemReport(text));
        return (outcome, text.ToString());
    }

    [Theory]
    [InlineData("a.csv")]
    [InlineData("a.xlsx")]
    public async Task ValidFile_IsRecordedOnce_SecondImportIsAReplay(string name)
    {
        string[][] rows =
        [
            Header,
            ["6G-EXP-SCV-1", "Met", "2024-05-01", "J. Smith (data manager)", "Charter signed by 14 partners"],
            ["6G-EXP-SCV-2", "in progress", "45000", "StriveTogether review", ""], // an Excel serial date: 2023-03-15
        ];
        var path = name.EndsWith(".csv", StringComparison.Ordinal) ? _files.Csv(name, rows) : _files.Xlsx(name, rows);
        var fake = new FakeTarget();

        var (first, _) = await ImportAsync(fake, path);
        var (second, _) = await ImportAsync(fake, path);

        Assert.True(first.Applied);
        Assert.False(first.Unchanged);
        Assert.Equal(2, first.Accepted);
        Assert.True(second.Applied);
        Assert.True(second.Unchanged);
        Assert.Single(fake.Assessments);
    }

    [Fact]
    public async Task MixedFile_ReportsEveryBadRow_RecordsNothing()
    {
        var fake = new FakeTarget();
        var (outcome, report) = await ImportAsync(fake, _files.Csv("mixed.csv",
        [
            Header,
            ["6G-EXP-SCV-1", "Met", "2024-05-01", "J. Smith", ""],        // 2: good
            ["6G-NOPE-1", "Met", "2024-05-01", "J. Smith", ""],           // 3: unknown benchmark
            ["6G-EXP-SCV-1", "Met", "2024-05-02", "J. Smith", ""],        // 4: twice
            ["6G-EXP-SCV-2", "Done", "2024-05-01", "J. Smith", ""],       // 5: status
            ["6G-EXP-SCV-3", "Met", "2999-01-01", "J. Smith", ""],        // 6: date
            ["6G-EXP-EBDM-1", "Met", "2024-05-01", "", ""],               // 7: assessor
            ["6G-EXP-EBDM-2", "Met", "2024-05-01", "J. Smith", new string('e', 4_001)], // 8: evidence
        ]));

        Assert.False(outcome.Applied);
        Assert.Empty(fake.Assessments);
        var rows = report.TrimEnd().Split(Environment.NewLine).Skip(1).Select(l => int.Parse(l[..l.IndexOf(',')])).ToList();
        Assert.Equal([3, 4, 5, 6, 7, 8], rows);
        Assert.Contains("4,Benchmark,6G-EXP-SCV-1,the benchmark is assessed already in row 2", report);
        Assert.DoesNotContain(new string('e', 41), report);
    }
}
