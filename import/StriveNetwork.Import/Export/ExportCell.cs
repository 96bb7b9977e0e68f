using System.Globalization;

namespace StriveNetwork.Import.Export;

/// <summary>What an export cell holds.</summary>
public enum ExportCellKind
{
    /// <summary>Nothing (a suppressed or missing value leaves its value cells empty; the status column says why).</summary>
    Empty,

    /// <summary>Text.</summary>
    Text,

    /// <summary>A number (written in its shortest round-trip form, invariant culture).</summary>
    Number,
}

/// <summary>
/// One cell of an export table. Cells carry only what the API returned: a number is a number the API showed; a value
/// the API suppressed is never a number here, only an empty cell next to a status that says "suppressed".
/// </summary>
public readonly record struct ExportCell
{
    private ExportCell(ExportCellKind kind, string? text, double number)
    {
        Kind = kind;
        Text = text;
        Number = number;
    }

    /// <summary>The empty cell.</summary>
    public static ExportCell Empty => default;

    /// <summary>What the cell holds.</summary>
    public ExportCellKind Kind { get; }

    /// <summary>The text of a <see cref="ExportCellKind.Text"/> cell, else null.</summary>
    public string? Text { get; }

    /// <summary>The number of a <see cref="ExportCellKind.Number"/> cell, else 0.</summary>
    public double Number { get; }

    /// <summary>A text cell; null or empty text is the empty cell.</summary>
    public static ExportCell Of(string? text) => string.IsNullOrEmpty(text) ? Empty : new(ExportCellKind.Text, text, 0);

    /// <summary>A number cell (NaN and infinities are not numbers a spreadsheet or JSON can hold: rejected).</summary>
    public static ExportCell Of(double number) =>
        double.IsFinite(number) ? new(ExportCellKind.Number, null, number) : throw new ArgumentOutOfRangeException(nameof(number), "not a finite number");

    /// <summary>The cell as plain text: the text, the number in invariant round-trip form, or empty.</summary>
    public override string ToString() => Kind switch
    {
        ExportCellKind.Text => Text!,
        ExportCellKind.Number => FormatNumber(Number),
        _ => string.Empty,
    };

    /// <summary>A number as every format writes it: shortest round-trip text, invariant culture ("45", "42.5", "-3.25").</summary>
    public static string FormatNumber(double number) => number.ToString("R", CultureInfo.InvariantCulture);
}
