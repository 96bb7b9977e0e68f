namespace StriveNetwork.Import.Tables;

/// <summary>
/// Bounds on what one file may hold, so a hostile or broken file cannot make a reader hold unbounded memory: a row
/// is read whole, so its width and each cell's length are capped.
/// </summary>
public static class TableLimits
{
    /// <summary>Most columns in a row (the wide layout needs 2 + 2 per year: 1990..2100 is 224).</summary>
    public const int MaxColumns = 512;

    /// <summary>Longest cell in characters (an evidence note may hold 4,000).</summary>
    public const int MaxCellLength = 8_000;

    /// <summary>Most rows in a file.</summary>
    public const int MaxRows = 5_000_000;
}
