namespace StriveNetwork.Import.Export;

/// <summary>Writes an export table in a chosen format.</summary>
public static class ExportTables
{
    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/> (left open) as <paramref name="format"/>.</summary>
    public static async Task WriteAsync(ExportTable table, ExportFormat format, Stream stream, CancellationToken cancellationToken = default)
    {
        switch (format)
        {
            case ExportFormat.Csv:
                await CsvExportWriter.WriteAsync(table, stream, cancellationToken).ConfigureAwait(false);
                break;
            case ExportFormat.Xlsx:
                XlsxExportWriter.Write(table, stream, cancellationToken);
                break;
            case ExportFormat.Json:
                await JsonExportWriter.WriteAsync(table, stream, cancellationToken).ConfigureAwait(false);
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(format), format, "not an export format");
        }

        await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Fails when a row is not as wide as the header (a bug in the code that built the table).</summary>
    internal static void CheckWidth(ExportTable table, IReadOnlyList<ExportCell> cells)
    {
        if (cells.Count != table.Columns.Count)
        {
            throw new InvalidOperationException($"a row of the {table.Kind} export has {cells.Count} cells for {table.Columns.Count} columns");
        }
    }
}
