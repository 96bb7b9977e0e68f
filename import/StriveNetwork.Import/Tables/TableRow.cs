namespace StriveNetwork.Import.Tables;

/// <summary>
/// One row of a table as text: its 1-based row number in the file (the header is row 1, as a spreadsheet shows it)
/// and its cells, left to right (a missing cell is empty).
/// </summary>
public readonly record struct TableRow(int RowNumber, IReadOnlyList<string> Cells)
{
    /// <summary>The cell at <paramref name="column"/> (0-based), or empty past the row's end.</summary>
    public string this[int column] => column < Cells.Count ? Cells[column] : string.Empty;

    /// <summary>True when every cell is blank (such rows are skipped).</summary>
    public bool IsBlank => Cells.All(string.IsNullOrWhiteSpace);
}
