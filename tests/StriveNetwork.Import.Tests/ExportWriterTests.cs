using System.Text.Json;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;
using StriveNetwork.Import.Export;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Tests;

/// <summary>
/// The export writers: what each format writes reads back as the table's cells (CSV with the importer's Sep reader,
/// .xlsx with its SAX reader, JSON with System.Text.Json); text a spreadsheet would run as a formula is defused in
/// CSV and .xlsx and left as is in JSON; numbers keep their exact value; empty cells stay empty.
/// </summary>
public sealed class ExportWriterTests
{
    private static readonly string[] Columns = ["Name", "Value", "Status", "Note"];

    private static readonly IReadOnlyList<ExportCell>[] Rows =
    [
        [ExportCell.Of("Third grade reading"), ExportCell.Of(42.5), ExportCell.Of("shown"), ExportCell.Empty],
        [ExportCell.Of("=HYPERLINK(\"http://x\")"), ExportCell.Empty, ExportCell.Of("suppressed"), ExportCell.Of("small cell")],
        [ExportCell.Of("-2+3"), ExportCell.Of(-3.25), ExportCell.Of("shown"), ExportCell.Of("a, \"quoted\"\nline")],
        [ExportCell.Of("@SUM(A1)"), ExportCell.Of(0.1 + 0.2), ExportCell.Of("shown"), ExportCell.Of("  spaced  ")],
        [ExportCell.Of("Ünïcode ≤5 \U0001F600"), ExportCell.Of(2024), ExportCell.Of("not reported"), ExportCell.Of("bell\u0007")],
    ];

    private static ExportTable Table() => new(
        "test-export",
        [new("partnership", ExportCell.Of("demo-town")), new("minimum n", ExportCell.Of(10))],
        Columns,
        Rows);

    [Fact]
    public async Task Csv_ReadsBackAsTheCells_TextDefused()
    {
        var rows = CsvTable.Read(await WriteAsync(ExportFormat.Csv)).ToList();
        Assert.Equal(Columns, rows[0].Cells);
        Assert.Equal(Rows.Length, rows.Count - 1);
        for (var i = 0; i < Rows.Length; i++)
        {
            Assert.Equal(Rows[i].Select(Defused), rows[i + 1].Cells);
        }

        Assert.Equal("'=HYPERLINK(\"http://x\")", rows[2][0]);
        Assert.Equal("-3.25", rows[3][1]); // a number is never defused
        Assert.Equal(0.1 + 0.2, double.Parse(rows[4][1], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal(string.Empty, rows[2][1]);
    }

    [Fact]
    public async Task Xlsx_FirstSheetReadsBackAsTheCells_NumbersAreNumberCells_AboutOnSecondSheet()
    {
        var stream = await WriteAsync(ExportFormat.Xlsx);
        var rows = XlsxTable.Read(stream).ToList();
        Assert.Equal(Columns, rows[0].Cells);
        for (var i = 0; i < Rows.Length; i++)
        {
            // Trailing empty cells are not written; XML cannot hold a bell character (blanked).
            var expected = Rows[i].Select(Defused).Select(t => t.Replace('\u0007', ' ')).ToList();
            Assert.Equal(expected, rows[i + 1].Cells.Concat(Enumerable.Repeat(string.Empty, expected.Count - rows[i + 1].Cells.Count)));
        }

        stream.Position = 0;
        using var document = SpreadsheetDocument.Open(stream, isEditable: false);
        var sheets = document.WorkbookPart!.Workbook.Sheets!.Elements<Sheet>().ToList();
        Assert.Equal(["test-export", XlsxExportWriter.AboutSheet], sheets.Select(s => s.Name!.Value));
        var data = (WorksheetPart)document.WorkbookPart.GetPartById(sheets[0].Id!.Value!);
        var cells = data.Worksheet.Descendants<Cell>().ToList();
        Assert.Empty(data.Worksheet.Descendants<CellFormula>());
        Assert.Equal(CellValues.Number, cells.Single(c => c.CellReference?.Value == "B2").DataType!.Value);
        Assert.DoesNotContain(cells, c => c.CellReference?.Value == "B3"); // an empty cell is not written
        var about = (WorksheetPart)document.WorkbookPart.GetPartById(sheets[1].Id!.Value!);
        Assert.Equal(["partnership", "demo-town", "minimum n", "10"], about.Worksheet.Descendants<Cell>().Select(c => c.InlineString?.InnerText ?? c.CellValue!.Text));
    }

    [Fact]
    public async Task Json_ReadsBackAsTheCells_TextAsIs_EmptyIsNull()
    {
        using var json = await JsonDocument.ParseAsync(await WriteAsync(ExportFormat.Json));
        var root = json.RootElement;
        Assert.Equal("test-export", root.GetProperty("export").GetString());
        Assert.Equal(10, root.GetProperty("about").GetProperty("minimum n").GetInt32());
        Assert.Equal(Columns, root.GetProperty("columns").EnumerateArray().Select(c => c.GetString()));
        var rows = root.GetProperty("rows").EnumerateArray().ToList();
        Assert.Equal(Rows.Length, rows.Count);
        for (var i = 0; i < Rows.Length; i++)
        {
            for (var c = 0; c < Columns.Length; c++)
            {
                var value = rows[i].GetProperty(Columns[c]);
                var cell = Rows[i][c];
                switch (cell.Kind)
                {
                    case ExportCellKind.Number:
                        Assert.Equal(cell.Number, value.GetDouble());
                        break;
                    case ExportCellKind.Text:
                        Assert.Equal(cell.Text, value.GetString());
                        break;
                    default:
                        Assert.Equal(JsonValueKind.Null, value.ValueKind);
                        break;
                }
            }
        }
    }

    [Theory]
    [InlineData(ExportFormat.Csv)]
    [InlineData(ExportFormat.Xlsx)]
    [InlineData(ExportFormat.Json)]
    public async Task ARowOfTheWrongWidth_Fails(ExportFormat format)
    {
        var table = Table() with { Rows = [[ExportCell.Of("only one")]] };
        await Assert.ThrowsAsync<InvalidOperationException>(() => ExportTables.WriteAsync(table, format, new MemoryStream()));
    }

    [Fact]
    public void Formats_AreParsedByName()
    {
        Assert.Equal(ExportFormat.Xlsx, ExportFormats.Parse("XLSX"));
        Assert.Equal(ExportFormat.Json, ExportFormats.Parse(" json "));
        Assert.Null(ExportFormats.Parse("xls"));
        Assert.Throws<ArgumentOutOfRangeException>(() => ExportCell.Of(double.NaN));
    }

    private static string Defused(ExportCell cell) => cell.Kind == ExportCellKind.Text ? FormulaText.Defuse(cell.Text!) : cell.ToString();

    private static async Task<MemoryStream> WriteAsync(ExportFormat format)
    {
        var stream = new MemoryStream();
        using var cancellation = new CancellationTokenSource(); // a token that can cancel, as the command passes
        await ExportTables.WriteAsync(Table(), format, stream, cancellation.Token);
        stream.Position = 0;
        return stream;
    }
}
