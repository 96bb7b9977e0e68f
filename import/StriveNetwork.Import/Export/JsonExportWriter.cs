using System.Text.Encodings.Web;
using System.Text.Json;

namespace StriveNetwork.Import.Export;

/// <summary>
/// Writes an export table as JSON with <see cref="Utf8JsonWriter"/>, flushing as it goes:
/// <c>{"export": kind, "about": {name: value}, "columns": [names], "rows": [{column: value}]}</c>. A number cell is a
/// JSON number, a text cell a string (not defused: JSON is not opened by a spreadsheet), an empty cell <c>null</c>.
/// </summary>
public static class JsonExportWriter
{
    private const int FlushBytes = 64 * 1024;

    /// <summary>Writes <paramref name="table"/> to <paramref name="stream"/> (left open).</summary>
    public static async Task WriteAsync(ExportTable table, Stream stream, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(stream);
        // The default encoder escapes HTML-sensitive characters too (<, >, &), so the file is safe to embed in a page.
        var writer = new Utf8JsonWriter(stream, new JsonWriterOptions { Indented = false, Encoder = JavaScriptEncoder.Default });
        await using var disposeWriter = writer.ConfigureAwait(false);
        writer.WriteStartObject();
        writer.WriteString("export", table.Kind);
        writer.WriteStartObject("about");
        foreach (var (name, value) in table.About)
        {
            writer.WritePropertyName(name);
            WriteCell(writer, value);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("columns");
        foreach (var column in table.Columns)
        {
            writer.WriteStringValue(column);
        }

        writer.WriteEndArray();
        writer.WriteStartArray("rows");
        foreach (var cells in table.Rows)
        {
            cancellationToken.ThrowIfCancellationRequested();
            ExportTables.CheckWidth(table, cells);
            writer.WriteStartObject();
            for (var i = 0; i < cells.Count; i++)
            {
                writer.WritePropertyName(table.Columns[i]);
                WriteCell(writer, cells[i]);
            }

            writer.WriteEndObject();
            if (writer.BytesPending > FlushBytes)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        writer.WriteEndArray();
        writer.WriteEndObject();
        await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static void WriteCell(Utf8JsonWriter writer, ExportCell cell)
    {
        switch (cell.Kind)
        {
            case ExportCellKind.Text:
                writer.WriteStringValue(cell.Text);
                break;
            case ExportCellKind.Number:
                writer.WriteNumberValue(cell.Number);
                break;
            default:
                writer.WriteNullValue();
                break;
        }
    }
}
