using System.Globalization;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Tests;

/// <summary>Runs alone: live-memory measurements must not see other tests' objects.</summary>
[CollectionDefinition(nameof(HugeFiles), DisableParallelization = true)]
public sealed class HugeFiles;

/// <summary>
/// 1,000,000-row files: memory stays bounded because nothing is held per row. Live managed memory (after a full
/// collection) is sampled every 100,000 rows from the progress callback; it must stay under a bound far below what
/// holding the rows would take (a million observations are well over 100 MB), and must not grow along the file.
/// No time is asserted.
/// </summary>
[Collection(nameof(HugeFiles))]
public sealed class HugeFileTests : IDisposable
{
    private const int Rows = 1_000_000;
    private const long LiveBound = 48L * 1024 * 1024;
    private readonly TestFiles _files = new();

    public void Dispose() => _files.Dispose();

    /// <summary>Samples live memory synchronously every 100,000 rows of either pass.</summary>
    private sealed class LiveMemory : IProgress<ImportProgress>
    {
        private readonly HashSet<(ImportPhase, long)> _sampled = [];

        public List<long> Samples { get; } = [];

        public void Report(ImportProgress value)
        {
            // A phase's last report repeats its last count: one sample per point.
            if (value.RowsDone > 0 && value.RowsDone % 100_000 == 0 && value.Phase != ImportPhase.Done && _sampled.Add((value.Phase, value.RowsDone)))
            {
                Samples.Add(GC.GetTotalMemory(forceFullCollection: true));
            }
        }
    }

    // 1,000,000 valid rows over 278 indicators (one cell each of 1990..2100 × 36 cells, 3,600 per indicator).
    private static IEnumerable<string[]> ValidLongRows()
    {
        yield return ["Indicator", "Year", "Gender", "Population", "N", "D"];
        var taxonomy = PopulationTaxonomy.Cia2024;
        var cells = taxonomy.Cells.ToList();
        for (var i = 0; i < Rows; i++)
        {
            var indicator = i / 3_600;
            var cell = cells[i % 36];
            var year = 1990 + (i % 3_600 / 36);
            yield return [$"ind-{indicator}", year.ToString(CultureInfo.InvariantCulture), cell.Gender, cell.Population, (i % 50).ToString(CultureInfo.InvariantCulture), "50"];
        }
    }

    [Fact]
    public async Task MillionRowCsv_LongLayout_ChecksAndAppliesInStreams_WithBoundedLiveMemory()
    {
        var fake = new FakeTarget(countOnly: true);
        for (var i = 0; i <= Rows / 3_600; i++)
        {
            fake.Indicator($"ind-{i}");
        }

        var path = _files.Csv("huge.csv", ValidLongRows());
        var memory = new LiveMemory();
        var outcome = await new ObservationImporter(fake.AsTarget()).ImportAsync(
            new ObservationImportRequest(path, TableFormat.Csv, ObservationLayout.Long, "demo-partnership", null), new ProblemReport(null), memory);

        Assert.True(outcome.Applied, string.Join("; ", outcome.FirstProblems));
        Assert.Equal(Rows, outcome.Items);
        Assert.Equal(Rows, fake.RowsReceived);
        Assert.Equal(Rows / ObservationImporter.MaxRowsPerStream, fake.Uploads);
        Assert.Equal(ObservationImporter.MaxRowsPerStream, fake.MaxRowsInOneStream);
        Assert.Equal(20, memory.Samples.Count); // 10 while checking, 10 while applying
        Assert.All(memory.Samples, live => Assert.InRange(live, 0, LiveBound));
        Assert.InRange(memory.Samples[^1] - memory.Samples[0], long.MinValue, 8L * 1024 * 1024);
    }

    [Fact]
    public async Task MillionRowXlsx_WideLayout_ReportsEveryDuplicate_StreamingTheReport_WithBoundedLiveMemory()
    {
        var fake = new FakeTarget().Indicator("grade3-reading");
        var cells = PopulationTaxonomy.Cia2024.Cells.ToList();
        var path = _files.Xlsx("huge.xlsx", Enumerable.Range(0, Rows + 1).Select(i => i == 0
            ? new[] { "Gender", "Population", "N 2024", "D 2024" }
            : [cells[(i - 1) % 36].Gender, cells[(i - 1) % 36].Population, "5", "10"]));
        var reportPath = _files.PathOf("huge.errors.csv");
        var memory = new LiveMemory();
        ImportOutcome outcome;
        using (var report = new ProblemReport(new StreamWriter(reportPath)))
        {
            outcome = await new ObservationImporter(fake.AsTarget()).ImportAsync(
                new ObservationImportRequest(path, TableFormat.Xlsx, ObservationLayout.Wide, "demo-partnership", "grade3-reading"), report, memory);
        }

        Assert.False(outcome.Applied);
        Assert.Equal(0, fake.Uploads);
        Assert.Equal(Rows, outcome.Rows);
        Assert.Equal(Rows - 36, outcome.Problems);
        Assert.Equal(10, memory.Samples.Count);
        Assert.All(memory.Samples, live => Assert.InRange(live, 0, LiveBound));
        var lines = File.ReadLines(reportPath).ToList();
        Assert.Equal(ProblemReport.MaxListed + 2, lines.Count);
        Assert.StartsWith("38,N 2024,,the cell all/all 2024", lines[1], StringComparison.Ordinal);
        Assert.Equal($",,,{Rows - 36 - ProblemReport.MaxListed} more problems not listed (the report lists the first {ProblemReport.MaxListed})", lines[^1]);
    }
}
