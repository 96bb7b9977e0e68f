using nietras.SeparatedValues;

namespace StriveNetwork.Import.Export;

/// <summary>
/// Writes an export table as CSV with Sep (UTF-8, comma, RFC 4180 quoting, one row in memory at a time): a header
/// line of the column names, then the rows. Text is defused (<see cref="FormulaText"/>); numbers are invariant.
/// CSV has one table only, so <see cref="ExportTable.About"/> is not written (the rows carry what identifies them).
/// </summary>
public static class CsvExportWriter
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/> (left open).</summary>
    public static async Task WriteAsync(ExportTable table, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        var writer = Sep.New(',').Writer(o => o with { Escape = true }).To(stream, leaveOpen: true);
        await using var disposeWriter = writer.ConfigureAwait(false);
        var names = table.Columns.Select(FormulaText.Defuse).ToArray();
        writer.Header.Add(names);
        await writer.Header.WriteAsync(cancellationToken).ConfigureAwait(false); // also for a table without rows: the header line is always there
        foreach (var cells in table.Rows)
        {
            ExportTables.CheckWidth(table, cells);
            var row = writer.NewRow(cancellationToken);
            for (var i = 0; i < names.Length; i++)
            {
                var cell = cells[i];
                row[names[i]].Set(cell.Kind == ExportCellKind.Text ? FormulaText.Defuse(cell.Text!) : cell.ToString());
            }

            await row.DisposeAsync().ConfigureAwait(false); // disposing the row writes it (a row that fails to fill is never written)
        }
    }
}
