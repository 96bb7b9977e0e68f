using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace StriveNetwork.Import.Tests;

/// <summary>Writes test files: CSV text, and .xlsx workbooks streamed with the Open XML SAX writer.</summary>
internal sealed class TestFiles : IDisposable
{
    private readonly string _dir = Path.Combine(Path.GetTempPath(), "strive-import-" + Guid.NewGuid().ToString("N"));

    public TestFiles() => Directory.CreateDirectory(_dir);

    public string PathOf(string name) => Path.Combine(_dir, name);

    public string Csv(string name, IEnumerable<string[]> rows)
    {
        var path = PathOf(name);
        using var writer = new StreamWriter(path, false, new UTF8Encoding(false));
        foreach (var row in rows)
        {
            writer.Write(string.Join(',', row.Select(c => c.Contains(',') || c.Contains('"') ? "\"" + c.Replace("\"", "\"\"") + "\"" : c)));
            writer.Write("\r\n");
        }

        return path;
    }

    /// <summary>
    /// An .xlsx whose first sheet holds <paramref name="rows"/>: numbers as numeric cells, text as shared strings
    /// (when <paramref name="sharedStrings"/>) or inline strings. Streamed, so a million rows need no DOM.
    /// </summary>
    public string Xlsx(string name, IEnumerable<string[]> rows, bool sharedStrings = true)
    {
        var path = PathOf(name);
        using var document = SpreadsheetDocument.Create(path, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var sheetPart = workbook.AddNewPart<WorksheetPart>();
        var shared = new Dictionary<string, int>(StringComparer.Ordinal);
        using (var writer = OpenXmlWriter.Create(sheetPart))
        {
            writer.WriteStartElement(new Worksheet());
            writer.WriteStartElement(new SheetData());
            var r = 0u;
            foreach (var row in rows)
            {
                r++;
                writer.WriteStartElement(new Row { RowIndex = r });
                for (var c = 0; c < row.Length; c++)
                {
                    if (row[c].Length == 0)
                    {
                        continue; // sparse, as Excel writes it
                    }

                    var reference = Column(c) + r;
                    if (long.TryParse(row[c], out _))
                    {
                        writer.WriteElement(new Cell { CellReference = reference, CellValue = new CellValue(row[c]) });
                    }
                    else if (sharedStrings)
                    {
                        if (!shared.TryGetValue(row[c], out var index))
                        {
                            shared[row[c]] = index = shared.Count;
                        }

                        writer.WriteElement(new Cell { CellReference = reference, DataType = CellValues.SharedString, CellValue = new CellValue(index.ToString()) });
                    }
                    else
                    {
                        writer.WriteElement(new Cell { CellReference = reference, DataType = CellValues.InlineString, InlineString = new InlineString(new Text(row[c])) });
                    }
                }

                writer.WriteEndElement();
            }

            writer.WriteEndElement();
            writer.WriteEndElement();
        }

        if (shared.Count > 0)
        {
            var table = workbook.AddNewPart<SharedStringTablePart>();
            table.SharedStringTable = new SharedStringTable(shared.OrderBy(s => s.Value).Select(s => new SharedStringItem(new Text(s.Key))));
        }

        workbook.Workbook = new Workbook(new Sheets(new Sheet { Id = workbook.GetIdOfPart(sheetPart), SheetId = 1, Name = "CIA" }));
        return path;
    }

    private static string Column(int index)
    {
        var name = string.Empty;
        for (index++; index > 0; index = (index - 1) / 26)
        {
            name = (char)('A' + ((index - 1) % 26)) + name;
        }

        return name;
    }

    public void Dispose()
    {
        try
        {
            Directory.Delete(_dir, recursive: true);
        }
        catch (IOException)
        {
        }
    }
}
