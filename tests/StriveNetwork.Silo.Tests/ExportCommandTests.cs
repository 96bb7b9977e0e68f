using System.Globalization;
using System.Text.Json;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Import.Export;
using StriveNetwork.Import.Tables;
using StriveNetwork.Silo.Export;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// <c>silo export</c> end to end: the real silo process, the command run in-process as a client of its gRPC API with
/// the token in STRIVE_TOKEN. Each file, parsed back, holds exactly what the API returned (the report card in CSV,
/// .xlsx and JSON, the network rollup in .xlsx and CSV); suppressed cells stay suppressed (no value, no counts).
/// </summary>
public sealed class ExportCommandTests : IDisposable
{
    private const string Partnership = "export-town";
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Export_ReportCardAndRollup_RoundTripTheApiResponses_SuppressedCellsStaySuppressed()
    {
        var definition = CommandSilo.Reading("=Third grade reading"); // a name a spreadsheet would run: defused in CSV and .xlsx
        definition.Targets.Add(new Target { Year = 2026, Value = 60 });
        definition.Gaps.Add(new GapDefinition { GapId = "black-vs-all", Focal = new Group { Gender = Gender.All, Population = Population.Black }, ReferenceRule = GapReferenceRule.AllStudents });
        await using var silo = await CommandSilo.StartAsync(_dir, Partnership, "Export Town", definition);
        var (admin, client, environment, address) = (silo.Admin, silo.Client, silo.Environment, silo.Address);

        // Loaded with `silo import`: Asian students (6 tested) fall under the minimum n, NHPI students were suppressed at source.
        var data = _dir.Sub("grade3.csv");
        await File.WriteAllTextAsync(data, """
            Gender,Population,N 2022,D 2022,N 2024,D 2024
            All,All Students,420,1000,520,1000
            All,Black or African American,80,250,110,250
            All,White,300,600,340,600
            All,Asian,3,6,4,6
            All,Native Hawaiian or Pacific Islander,*,*,*,*
            """);
        var import = new InProcessCli(_dir.Path, environment);
        var imported = await import.RunAsync("import", data, "--partnership", Partnership, "--indicator", "grade3-reading", "--layout", "wide", "--address", address);
        Assert.True(imported == 0, import.Output.ToString() + import.Error);

        var card = await client.CallAsync<GetReportCardRequest, GetReportCardResponse>(admin, "PartnershipService/GetReportCard", new GetReportCardRequest { PartnershipId = Partnership });
        var expected = Expected(ReportCardExport.From(card));
        foreach (var format in new[] { "csv", "xlsx", "json" })
        {
            var path = _dir.Sub($"card.{format}");
            var cli = new InProcessCli(_dir.Path, environment);
            var code = await cli.RunAsync("export", "report-card", "--partnership", Partnership, "--format", format, "--out", path, "--address", address);
            Assert.True(code == 0, cli.Output.ToString() + cli.Error);
            Assert.Contains($"exported the report card: {expected.Count - 1} row(s) to {path}", cli.Output.ToString());
            Assert.DoesNotContain(admin, cli.Output.ToString() + cli.Error, StringComparison.Ordinal);
            var rows = Read(path, ReportCardExport.Columns.Count);
            Assert.Equal(Spreadsheet(format, expected), rows);
            AssertMatchesTheCard(card, rows, format);
        }

        // The network rollup: compared with a response read just before and just after the export, which must agree.
        for (var attempt = 1; ; attempt++)
        {
            var before = await client.RollupAsync(admin);
            var rollupXlsx = _dir.Sub("rollup.xlsx");
            var rollupCsv = _dir.Sub("rollup.csv");
            var xlsxRun = new InProcessCli(_dir.Path, environment);
            Assert.Equal(0, await xlsxRun.RunAsync("export", "network-rollup", "--out", rollupXlsx, "--address", address));
            var csvRun = new InProcessCli(_dir.Path, environment);
            Assert.Equal(0, await csvRun.RunAsync("export", "network-rollup", "--format", "csv", "--out", rollupCsv, "--address", address));
            var after = await client.RollupAsync(admin);
            if (before.Rollup.Version != after.Rollup.Version && attempt < 10)
            {
                await Task.Delay(500); // the rollup was still settling after the import: read it again
                continue;
            }

            Assert.Equal(before.Rollup.Version, after.Rollup.Version);
            var expectedRollup = Expected(NetworkRollupExport.From(after));
            Assert.Equal(Spreadsheet("xlsx", expectedRollup), Read(rollupXlsx, NetworkRollupExport.Columns.Count));
            Assert.Equal(Spreadsheet("csv", expectedRollup), Read(rollupCsv, NetworkRollupExport.Columns.Count));
            var rows = Read(rollupCsv, NetworkRollupExport.Columns.Count);
            Assert.Contains(["", "partnerships", "", "", "partnerships", after.Rollup.PartnershipCount.ToString(CultureInfo.InvariantCulture)], rows);
            var exploring = after.Rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).PartnershipCount;
            Assert.Contains(["", "gateway", "", "exploring", "partnerships", exploring.ToString(CultureInfo.InvariantCulture)], rows);
            break;
        }

        // Usage and refusals: no token sends nothing; a partnership's token cannot export another partnership's card.
        var noToken = new InProcessCli(_dir.Path);
        Assert.Equal(2, await noToken.RunAsync("export", "report-card", "--partnership", Partnership, "--out", _dir.Sub("x.csv"), "--address", address));
        Assert.Contains("set STRIVE_TOKEN", noToken.Error.ToString());
        await client.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(admin, "PartnershipService/RegisterPartnership",
            new RegisterPartnershipRequest { PartnershipId = "other-town", Profile = SiloProcessTests.Profile("Other Town") });
        var other = await client.CallAsync<IssueTokenRequest, IssueTokenResponse>(admin, "AdminService/IssueToken",
            new IssueTokenRequest { Role = Role.Partnership, PartnershipId = "other-town", Description = "other town" });
        var refused = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_TOKEN"] = other.Secret });
        Assert.Equal(1, await refused.RunAsync("export", "report-card", "--partnership", Partnership, "--out", _dir.Sub("theirs.csv"), "--address", address));
        Assert.Contains("the service answered PermissionDenied", refused.Error.ToString());
        Assert.False(File.Exists(_dir.Sub("theirs.csv")));
        var notFound = new InProcessCli(_dir.Path, environment);
        Assert.Equal(1, await notFound.RunAsync("export", "report-card", "--partnership", "no-such-town", "--out", _dir.Sub("missing.json"), "--address", address));
        Assert.Contains("the service answered NotFound", notFound.Error.ToString());
        Assert.False(File.Exists(_dir.Sub("missing.json")));
        Assert.False(File.Exists(_dir.Sub("missing.json.partial")));
    }

    // Every suppressed cell of the API's card is a row marked suppressed with no value and no counts; every exact
    // rate is the API's number with its counts.
    private static void AssertMatchesTheCard(GetReportCardResponse card, List<string[]> rows, string format)
    {
        var columns = ReportCardExport.Columns.ToList();
        string Cell(string[] row, string column) => row[columns.IndexOf(column)];
        var indicator = card.Outcomes.Single().Indicators.Single();
        var rates = rows.Skip(1).Where(r => Cell(r, "Measure") == "rate").ToList();
        Assert.Equal(indicator.Disaggregated.Count, rates.Count);
        var suppressed = 0;
        foreach (var cell in indicator.Disaggregated)
        {
            var row = rates.Single(r => Cell(r, "Gender") == ExportNames.Of(cell.Group.Gender) && Cell(r, "Population") == ExportNames.Of(cell.Group.Population));
            if (cell.Rate.ValueCase == Rate.ValueOneofCase.Suppressed)
            {
                suppressed++;
                Assert.Equal("suppressed", Cell(row, "Status"));
                Assert.Equal(cell.Rate.Suppressed.Explanation, Cell(row, "Reason"));
                Assert.All(new[] { "Value", "Numerator", "Denominator", "Display" }, c => Assert.Equal(string.Empty, Cell(row, c)));
            }
            else if (cell.Rate.ValueCase == Rate.ValueOneofCase.Shown && cell.Rate.Shown.Coding == RateCoding.Exact)
            {
                Assert.Equal(cell.Rate.Shown.Value, double.Parse(Cell(row, "Value"), CultureInfo.InvariantCulture));
                Assert.Equal(cell.Rate.Shown.Counts.Numerator.ToString(CultureInfo.InvariantCulture), Cell(row, "Numerator"));
                Assert.Equal(cell.Rate.Shown.Display, Cell(row, "Display"));
            }
        }

        // Asian and NHPI (all genders) at least, and the complementary cells that protect them.
        Assert.True(suppressed >= 2, $"{suppressed} suppressed cell(s)");
        var asian = rates.Single(r => Cell(r, "Gender") == "All" && Cell(r, "Population") == "Asian");
        Assert.Equal("suppressed", Cell(asian, "Status"));
        var name = rows[1][columns.IndexOf("Indicator name")];
        Assert.Equal(format == "json" ? "=Third grade reading" : "'=Third grade reading", name);
        var gap = rows.Skip(1).Single(r => Cell(r, "Measure") == "gap latest");
        Assert.Equal("black-vs-all", Cell(gap, "Gap"));
        Assert.Equal(indicator.Gaps.Single().LatestGap.Shown, double.Parse(Cell(gap, "Value"), CultureInfo.InvariantCulture));
        var target = rows.Skip(1).Single(r => Cell(r, "Measure") == "target");
        Assert.Equal(["2026", "60"], [Cell(target, "Year"), Cell(target, "Value")]);
    }

    /// <summary>The table's rows as text, header first (the values any format must read back as).</summary>
    private static List<ExportCell[]> Expected(ExportTable table) =>
        [[.. table.Columns.Select(ExportCell.Of)], .. table.Rows.Select(r => r.ToArray())];

    private static List<string[]> Spreadsheet(string format, List<ExportCell[]> rows) =>
        [.. rows.Select(r => r.Select(c => c.Kind == ExportCellKind.Text && format != "json" ? FormulaText.Defuse(c.Text!) : c.ToString()).ToArray())];

    /// <summary>A written file as rows of text of <paramref name="width"/> cells, header first.</summary>
    private static List<string[]> Read(string path, int width)
    {
        if (path.EndsWith(".json", StringComparison.Ordinal))
        {
            using var json = JsonDocument.Parse(File.ReadAllBytes(path));
            var columns = json.RootElement.GetProperty("columns").EnumerateArray().Select(c => c.GetString()!).ToArray();
            return
            [
                columns,
                .. json.RootElement.GetProperty("rows").EnumerateArray().Select(row => columns.Select(c => row.GetProperty(c) switch
                {
                    { ValueKind: JsonValueKind.Null } => string.Empty,
                    { ValueKind: JsonValueKind.Number } n => ExportCell.FormatNumber(n.GetDouble()),
                    var s => s.GetString()!,
                }).ToArray()),
            ];
        }

        using var stream = File.OpenRead(path);
        var rows = path.EndsWith(".xlsx", StringComparison.Ordinal) ? XlsxTable.Read(stream) : CsvTable.Read(stream);
        return [.. rows.Select(r => Enumerable.Range(0, width).Select(i => r[i]).ToArray())];
    }
}
