using System.Globalization;
using System.Text.RegularExpressions;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Import.Observations;

/// <summary>What a count cell holds.</summary>
internal enum CountKind
{
    /// <summary>Empty, or "NA": no value (the CIA files write NA for a zero or missing count).</summary>
    Missing,

    /// <summary>A whole number.</summary>
    Count,

    /// <summary>A suppression marker of the data source ("*", "-", "n&lt;10", ...).</summary>
    Marker,

    /// <summary>Anything else.</summary>
    Invalid,
}

/// <summary>Parses the text of cells: years, genders and populations of a taxonomy, counts and suppression markers.</summary>
internal static partial class CellText
{
    /// <summary>Longest source marker kept (the API's limit).</summary>
    public const int MaxMarkerLength = 20;

    private static readonly HashSet<string> Markers = new(StringComparer.OrdinalIgnoreCase)
    {
        "*", "**", "***", "-", "--", "s", "n/s", "suppressed", "redacted", "masked", "<", ">",
    };

    /// <summary>A year 1990..2100 (an .xlsx number such as "2024" or "2024.0" included), else null.</summary>
    public static int? Year(string text)
    {
        var trimmed = text.Trim();
        return decimal.TryParse(trimmed, NumberStyles.Integer | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value)
            && value == decimal.Truncate(value) && value >= IndicatorDefinition.MinimumYear && value <= IndicatorDefinition.MaximumYear
            ? (int)value
            : null;
    }

    /// <summary>The taxonomy's gender code for a code or a name ("female", "Female"), else null.</summary>
    public static string? Gender(PopulationTaxonomy taxonomy, string text)
    {
        var trimmed = text.Trim();
        return taxonomy.Genders.FirstOrDefault(g =>
            string.Equals(g.Code, trimmed, StringComparison.OrdinalIgnoreCase) || string.Equals(g.Name, trimmed, StringComparison.OrdinalIgnoreCase))?.Code;
    }

    /// <summary>The taxonomy's population code for a code or a name ("ell", "English Language Learner"), else null.</summary>
    public static string? Population(PopulationTaxonomy taxonomy, string text)
    {
        var trimmed = text.Trim();
        return taxonomy.Populations.FirstOrDefault(p =>
            string.Equals(p.Code, trimmed, StringComparison.OrdinalIgnoreCase) || string.Equals(p.Name, trimmed, StringComparison.OrdinalIgnoreCase))?.Code;
    }

    /// <summary>Classifies a count cell; <paramref name="count"/> is set for <see cref="CountKind.Count"/>.</summary>
    public static CountKind Count(string text, out long count)
    {
        count = 0;
        var trimmed = text.Trim();
        if (trimmed.Length == 0 || trimmed.Equals("NA", StringComparison.OrdinalIgnoreCase) || trimmed.Equals("N/A", StringComparison.OrdinalIgnoreCase))
        {
            return CountKind.Missing;
        }

        if (decimal.TryParse(trimmed, NumberStyles.AllowLeadingSign | NumberStyles.AllowThousands | NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value))
        {
            if (value != decimal.Truncate(value) || value > long.MaxValue || value < long.MinValue)
            {
                return CountKind.Invalid;
            }

            count = (long)value;
            return CountKind.Count;
        }

        return IsMarker(trimmed) ? CountKind.Marker : CountKind.Invalid;
    }

    /// <summary>Whether <paramref name="text"/> is a suppression marker: a known symbol or word, or "n&lt;10" / "&lt;10" / "≤5".</summary>
    public static bool IsMarker(string text) =>
        text.Length <= MaxMarkerLength && (Markers.Contains(text) || SmallCount().IsMatch(text));

    [GeneratedRegex(@"\A(n\s*)?(<|<=|≤)\s*[0-9]{1,4}\z", RegexOptions.CultureInvariant | RegexOptions.IgnoreCase)]
    private static partial Regex SmallCount();
}
