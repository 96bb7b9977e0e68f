using System.Text;
using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using DocumentFormat.OpenXml.Spreadsheet;

namespace StriveNetwork.Import.Tables;

/// <summary>
/// Reads the first worksheet of an .xlsx workbook with the Open XML SDK's SAX reader: one row element is loaded at a
/// time, never the sheet (ClosedXML would load the whole workbook). The shared-string table is read once, also with
/// the SAX reader; its size is bounded by the file's.
/// </summary>
public static class XlsxTable
{
    /// <summary>Most shared strings kept (a workbook of 1,000,000 distinct evidence notes is not an import).</summary>
    public const int MaxSharedStrings = 2_000_000;

    /// <summary>The rows of the first worksheet of <paramref name="stream"/>, header included; empty rows are skipped.</summary>
    public static IEnumerable<TableRow> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        SpreadsheetDocument document;
        try
        {
            document = SpreadsheetDocument.Open(stream, isEditable: false);
        }
        catch (Exception exception) when (exception is OpenXmlPackageException or InvalidDataException or IOException or FileFormatException)
        {
            throw new TableFormatException("the file is not an .xlsx workbook", exception);
        }

        using (document)
        {
            var workbook = document.WorkbookPart ?? throw new TableFormatException("the workbook has no workbook part");
            var sheet = workbook.Workbook?.Sheets?.Elements<Sheet>().FirstOrDefault()
                ?? throw new TableFormatException("the workbook has no worksheet");
            if (sheet.Id?.Value is not { } sheetId || workbook.GetPartById(sheetId) is not WorksheetPart worksheet)
            {
                throw new TableFormatException("the first worksheet cannot be found");
            }

            var shared = SharedStrings(workbook.SharedStringTablePart);
            using var reader = OpenXmlReader.Create(worksheet);
            var rows = 0;
            while (reader.Read())
            {
                if (reader.ElementType != typeof(Row) || !reader.IsStartElement)
                {
                    continue;
                }

                var row = (Row)reader.LoadCurrentElement()!;
                if (++rows > TableLimits.MaxRows)
                {
                    throw new TableFormatException($"the worksheet has more than {TableLimits.MaxRows} rows");
                }

                var rowNumber = row.RowIndex?.Value is { } index ? checked((int)index) : rows;
                yield return new TableRow(rowNumber, Cells(row, rowNumber, shared));
            }
        }
    }

    private static string[] Cells(Row row, int rowNumber, List<string> shared)
    {
        var cells = new List<string>();
        var next = 0;
        foreach (var cell in row.Elements<Cell>())
        {
            var column = cell.CellReference?.Value is { } reference ? ColumnIndex(reference) : next;
            if (column < 0 || column >= TableLimits.MaxColumns)
            {
                throw new TableFormatException($"row {rowNumber} has a cell beyond column {TableLimits.MaxColumns}");
            }

            while (cells.Count < column)
            {
                cells.Add(string.Empty);
            }

            var text = Text(cell, shared);
            if (text.Length > TableLimits.MaxCellLength)
            {
                throw new TableFormatException($"row {rowNumber}, column {column + 1}: a cell is longer than {TableLimits.MaxCellLength} characters");
            }

            if (column < cells.Count)
            {
                cells[column] = text;
            }
            else
            {
                cells.Add(text);
            }

            next = column + 1;
        }

        return [.. cells];
    }

    private static string Text(Cell cell, List<string> shared)
    {
        var type = cell.DataType?.Value;
        if (type == CellValues.SharedString)
        {
            return int.TryParse(cell.CellValue?.Text, out var index) && index >= 0 && index < shared.Count
                ? shared[index]
                : throw new TableFormatException("a cell refers to a shared string that does not exist");
        }

        if (type == CellValues.InlineString)
        {
            return cell.InlineString?.InnerText ?? string.Empty;
        }

        return cell.CellValue?.Text ?? string.Empty;
    }

    // "BC12" -> 54 (0-based); -1 when the reference has no letters.
    private static int ColumnIndex(string reference)
    {
        var column = 0;
        var letters = 0;
        foreach (var c in reference)
        {
            if (c is >= 'A' and <= 'Z')
            {
                column = (column * 26) + (c - 'A' + 1);
                if (++letters > 3)
                {
                    return -1;
                }
            }
            else
            {
                break;
            }
        }

        return letters == 0 ? -1 : column - 1;
    }

    private static List<string> SharedStrings(SharedStringTablePart? part)
    {
        var strings = new List<string>();
        if (part is null)
        {
            return strings;
        }

        using var reader = OpenXmlReader.Create(part);
        while (reader.Read())
        {
            if (reader.ElementType != typeof(SharedStringItem) || !reader.IsStartElement)
            {
                continue;
            }

            if (strings.Count >= MaxSharedStrings)
            {
                throw new TableFormatException($"the workbook has more than {MaxSharedStrings} shared strings");
            }

            var item = (SharedStringItem)reader.LoadCurrentElement()!;
            var text = item.Text?.Text ?? Runs(item);
            strings.Add(text.Length > TableLimits.MaxCellLength ? throw new TableFormatException($"a shared string is longer than {TableLimits.MaxCellLength} characters") : text);
        }

        return strings;
    }

    // Rich text: the runs' texts in order (phonetic hints are not part of the value).
    private static string Runs(SharedStringItem item)
    {
        var text = new StringBuilder();
        foreach (var run in item.Elements<Run>())
        {
            text.Append(run.Text?.Text);
        }

        return text.ToString();
    }
}
