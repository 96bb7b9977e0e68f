namespace StriveNetwork.Import.Export;

/// <summary>The file formats an export is written in.</summary>
public enum ExportFormat
{
    /// <summary>CSV: UTF-8, comma, RFC 4180 quotes, a header line, the table's rows (the About facts are not written).</summary>
    Csv,

    /// <summary>Excel workbook: the table on the first sheet (a header row), the About facts on a second sheet.</summary>
    Xlsx,

    /// <summary>JSON: <c>{"export", "about", "columns", "rows"}</c>, one object per row keyed by column name.</summary>
    Json,
}

/// <summary>Names of <see cref="ExportFormat"/> on command lines and in file names.</summary>
public static class ExportFormats
{
    /// <summary>The format named <paramref name="name"/> (<c>csv</c>, <c>xlsx</c>, <c>json</c>, any case), else null.</summary>
    public static ExportFormat? Parse(string? name) => name?.Trim().ToUpperInvariant() switch
    {
        "CSV" => ExportFormat.Csv,
        "XLSX" => ExportFormat.Xlsx,
        "JSON" => ExportFormat.Json,
        _ => null,
    };
}
