namespace StriveNetwork.Import.Export;

/// <summary>
/// Keeps text from running as a spreadsheet formula (CSV injection): text starting with <c>= + - @</c>, a tab or a
/// carriage return gets a leading apostrophe, as the import's problem report does. Numbers are never defused: they are
/// written as numbers, and a spreadsheet reads "-3.5" as a number, not a formula.
/// </summary>
public static class FormulaText
{
    /// <summary>The text as it is safe to put in a spreadsheet cell.</summary>
    public static string Defuse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        return IsRisky(text) ? "'" + text : text;
    }

    /// <summary>Whether a spreadsheet could take <paramref name="text"/> for a formula.</summary>
    public static bool IsRisky(string text) => text.Length > 0 && text[0] is '=' or '+' or '-' or '@' or '\t' or '\r';
}
