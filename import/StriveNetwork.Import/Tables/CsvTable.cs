using nietras.SeparatedValues;

namespace StriveNetwork.Import.Tables;

/// <summary>Reads a CSV file row by row with Sep (streaming: one row in memory at a time).</summary>
public static class CsvTable
{
    /// <summary>The rows of <paramref name="stream"/>, header included, in file order.</summary>
    public static IEnumerable<TableRow> Read(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var reader = Sep.New(',').Reader(o => o with { HasHeader = false, Unescape = true, DisableColCountCheck = true }).From(stream);
        var rowNumber = 0;
        foreach (var row in reader)
        {
            rowNumber++;
            if (rowNumber > TableLimits.MaxRows)
            {
                throw new TableFormatException($"the file has more than {TableLimits.MaxRows} rows");
            }

            if (row.ColCount > TableLimits.MaxColumns)
            {
                throw new TableFormatException($"row {rowNumber} has more than {TableLimits.MaxColumns} columns");
            }

            var cells = new string[row.ColCount];
            for (var i = 0; i < cells.Length; i++)
            {
                var span = row[i].Span;
                if (span.Length > TableLimits.MaxCellLength)
                {
                    throw new TableFormatException($"row {rowNumber}, column {i + 1}: a cell is longer than {TableLimits.MaxCellLength} characters");
                }

                cells[i] = span.ToString();
            }

            yield return new TableRow(rowNumber, cells);
        }
    }
}
