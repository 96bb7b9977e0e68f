namespace StriveNetwork.Import.Tables;

/// <summary>The file formats the importer reads.</summary>
public enum TableFormat
{
    /// <summary>Comma-separated values, UTF-8, RFC 4180 quoting.</summary>
    Csv = 1,

    /// <summary>An Excel workbook (Office Open XML); its first worksheet is read.</summary>
    Xlsx = 2,
}

/// <summary>Picks the format from a file name.</summary>
public static class TableFormats
{
    /// <summary>The format named by the file's extension (.csv, .xlsx), or null when it is neither.</summary>
    public static TableFormat? FromPath(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return Path.GetExtension(path).ToUpperInvariant() switch
        {
            ".CSV" => TableFormat.Csv,
            ".XLSX" => TableFormat.Xlsx,
            _ => null,
        };
    }
}
