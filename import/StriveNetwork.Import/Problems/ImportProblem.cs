namespace StriveNetwork.Import.Problems;

/// <summary>
/// Why one cell or row of a file cannot be imported: its 1-based row number (the header is row 1), the column's
/// header (empty for a whole-row problem), the offending value as the file holds it, capped at
/// <see cref="MaxValueLength"/> characters (a file is client text: it is never echoed back unbounded), and the reason.
/// </summary>
public sealed record ImportProblem
{
    /// <summary>Longest value quoted back; longer values are cut and end with an ellipsis.</summary>
    public const int MaxValueLength = 40;

    public ImportProblem(int row, string column, string value, string reason)
    {
        Row = row;
        Column = Cap(column);
        Value = Cap(value);
        Reason = reason;
    }

    public int Row { get; }

    public string Column { get; }

    public string Value { get; }

    public string Reason { get; }

    /// <summary>At most <see cref="MaxValueLength"/> characters of <paramref name="text"/>, with control characters replaced.</summary>
    public static string Cap(string? text)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }

        var capped = text.Length > MaxValueLength ? string.Concat(text.AsSpan(0, MaxValueLength - 1), "…") : text;
        return string.Create(capped.Length, capped, static (span, source) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = char.IsControl(source[i]) ? ' ' : source[i];
            }
        });
    }

    public override string ToString() =>
        Column.Length == 0 ? $"row {Row}: {Reason}" : $"row {Row}, column '{Column}' ('{Value}'): {Reason}";
}
