namespace StriveNetwork.Import.Tables;

/// <summary>Opens a file as a sequence of rows in its format; each enumeration reads the file again from the start.</summary>
public sealed class TableFile
{
    public TableFile(string path, TableFormat format)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        Path = path;
        Format = format;
    }

    public string Path { get; }

    public TableFormat Format { get; }

    /// <summary>The file's rows, header included; the file is open only while they are enumerated.</summary>
    public IEnumerable<TableRow> Rows()
    {
        using var stream = new FileStream(Path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 64 * 1024, FileOptions.SequentialScan);
        var rows = Format == TableFormat.Csv ? CsvTable.Read(stream) : XlsxTable.Read(stream);
        foreach (var row in rows)
        {
            yield return row;
        }
    }
}
