using System.Text.RegularExpressions;

namespace StriveNetwork.Domain.Identifiers;

/// <summary>
/// A two-letter upper-case USPS code of a US state or territory (e.g. "OH", "DC", "PR"). Anchored with <c>\z</c> like
/// <see cref="StriveId"/>, so <c>"WI\n"</c> is not a state.
/// </summary>
public static partial class UsStateCode
{
    /// <summary>The rule in words, for error messages.</summary>
    public const string Rule = "a two-letter upper-case USPS code";

    /// <summary>The rule as a .NET regular expression.</summary>
    public const string PatternText = @"\A[A-Z]{2}\z";

    /// <summary>Whether <paramref name="code"/> has the shape of a USPS code.</summary>
    public static bool IsValid(string? code) => code is not null && Pattern().IsMatch(code);

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
