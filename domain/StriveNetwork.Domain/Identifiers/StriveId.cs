using System.Text.RegularExpressions;

namespace StriveNetwork.Domain.Identifiers;

/// <summary>
/// The one identifier rule of every strive.v1 id (partnership, indicator, cohort, gap): 2 to 63 characters, a
/// lower-case ASCII letter, then lower-case ASCII letters, digits or hyphens. The gateway and the grains both check
/// it here. The pattern ends with <c>\z</c>: in .NET <c>$</c> also matches before a final newline, so
/// <c>"name\n"</c> would pass and become a lookalike of <c>"name"</c>.
/// </summary>
public static partial class StriveId
{
    /// <summary>Shortest id.</summary>
    public const int MinLength = 2;

    /// <summary>Longest id.</summary>
    public const int MaxLength = 63;

    /// <summary>The rule in words, for error messages (never quote the rejected value).</summary>
    public const string Rule = "2 to 63 characters: a lower-case letter, then lower-case letters, digits or hyphens";

    /// <summary>The rule as a .NET regular expression, anchored at both ends of the whole string.</summary>
    public const string PatternText = @"\A[a-z][a-z0-9-]{1,62}\z";

    /// <summary>Whether <paramref name="id"/> is a valid strive.v1 id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
