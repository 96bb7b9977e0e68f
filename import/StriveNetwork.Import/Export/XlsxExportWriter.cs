using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace StriveNetwork.Import.Export;

/// <summary>
/// Writes an export table as an .xlsx workbook with the Open XML SDK's SAX writer (one row element at a time, never a
/// document tree of the sheet): the first sheet, named after the export's kind, holds a header row and the rows; a
/// second sheet <c>About</c> holds the export's facts as name / value rows. Text cells are inline strings, defused
/// like CSV (<see cref="FormulaText"/>: the workbook may be saved as CSV later) and stripped of characters XML cannot
/// hold; numbers are number cells. No cell is ever a formula.
/// </summary>
public static class XlsxExportWriter
{
    /// <summary>The second sheet's name.</summary>
    public const string AboutSheet = "About";

    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/> (left open; it must be seekable).</summary>
    public static void Write(ExportTable table, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        using var document = SpreadsheetDocument.Create(stream, SpreadsheetDocumentType.Workbook);
        var workbook = document.AddWorkbookPart();
        var data = workbook.AddNewPart<WorksheetPart>();
        WriteSheet(data, Enumerable.Repeat(table.Columns.Select(ExportCell.Of).ToArray(), 1).Concat(Checked(table, cancellationToken)));
        var about = workbook.AddNewPart<WorksheetPart>();
        WriteSheet(about, table.About.Select(pair => (IReadOnlyList<ExportCell>)[ExportCell.Of(pair.Key), pair.Value]));

        using var writer = OpenXmlWriter.Create(workbook);
        writer.WriteStartElement(new Workbook());
        writer.WriteStartElement(new Sheets());
        writer.WriteElement(new Sheet { Name = SheetName(table.Kind), SheetId = 1, Id = workbook.GetIdOfPart(data) });
        writer.WriteElement(new Sheet { Name = AboutSheet, SheetId = 2, Id = workbook.GetIdOfPart(about) });
        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Checked(ExportTable table, CancellationToken cancellationToken)
    {
        foreach (var cells in table.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ExportTables.CheckWidth(table, cells);
            yield return cells;
        }
    }

    private static void WriteSheet(WorksheetPart part, IEnumerable<IReadOnlyList<ExportCell>> rows)
    {
        using var writer = OpenXmlWriter.Create(part);
        writer.WriteStartElement(new Worksheet());
        writer.WriteStartElement(new SheetData());
        uint rowIndex = 0;
        foreach (var cells in rows)
        {
            rowIndex++;
            writer.WriteStartElement(new Row { RowIndex = rowIndex });
            for (var i = 0; i < cells.Count; i++)
            {
                if (Cell(cells[i], ColumnName(i) + rowIndex) is { } cell)
                {
                    writer.WriteElement(cell);
                }
            }

            writer.WriteEndElement();
        }

        writer.WriteEndElement();
        writer.WriteEndElement();
    }

    private static Cell? Cell(ExportCell value, string reference) => value.Kind switch
    {
        ExportCellKind.Number => new Cell
        {
            CellReference = reference,
            DataType = CellValues.Number,
            CellValue = new CellValue(ExportCell.FormatNumber(value.Number)),
        },
        ExportCellKind.Text => new Cell
        {
            CellReference = reference,
            DataType = CellValues.InlineString,
            InlineString = new InlineString(new Text(XmlSafe(FormulaText.Defuse(value.Text!))) { Space = SpaceProcessingModeValues.Preserve }),
        },
        _ => null,
    };

    // 0 -> "A", 25 -> "Z", 26 -> "AA".
    private static string ColumnName(int index)
    {
        var name = string.Empty;
        for (var n = index + 1; n > 0; n = (n - 1) / 26)
        {
            name = (char)('A' + ((n - 1) % 26)) + name;
        }

        return name;
    }

    // Characters XML 1.0 cannot hold (most control characters, lone surrogates) become spaces.
    private static string XmlSafe(string text)
    {
        if (text.All(c => XmlChar(c)) && !text.Any(char.IsSurrogate))
        {
            return text;
        }

        var safe = new StringBuilder(text.Length);
        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                safe.Append(c).Append(text[++i]);
            }
            else
            {
                safe.Append(XmlChar(c) && !char.IsSurrogate(c) ? c : ' ');
            }
        }

        return safe.ToString();
    }

    private static bool XmlChar(char c) => c is '\t' or '\n' or '\r' || (c >= ' ' && c != '\uFFFE' && c != '\uFFFF');

    // Sheet names: at most 31 characters, none of : \ / ? * [ ].
    private static string SheetName(string kind)
    {
        var name = new string([.. kind.Select(c => c is ':' or '\\' or '/' or '?' or '*' or '[' or ']' ? '-' : c)]);
        return name.Length > 31 ? name[..31] : name;
    }
}
