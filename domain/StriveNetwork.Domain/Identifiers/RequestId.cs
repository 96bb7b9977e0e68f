using System.Globalization;
using System.Text.RegularExpressions;

namespace StriveNetwork.Domain.Identifiers;

/// <summary>
/// A client request id (gRPC metadata <c>strive-request-id</c>): 1 to 64 ASCII letters, digits, '.', '_', ':' or '-',
/// e.g. a UUID or <c>nightly-2025-12-01:42</c>. A retried write carries the id of its first attempt, so the server can
/// answer it with the first result instead of writing again. Anchored with <c>\z</c> like <see cref="StriveId"/>. A
/// request applied in parts (an upload's batches) records each part under <see cref="Part"/>, <c>{id}/{n}</c>: the
/// slash is outside the id's alphabet, so a part key never equals a client's id.
/// </summary>
public static partial class RequestId
{
    /// <summary>Longest id.</summary>
    public const int MaxLength = 64;

    /// <summary>The rule in words, for error messages (never quote the rejected value).</summary>
    public const string Rule = "1 to 64 characters: ASCII letters, digits, '.', '_', ':' or '-'";

    /// <summary>The rule as a .NET regular expression, anchored at both ends of the whole string.</summary>
    public const string PatternText = @"\A[A-Za-z0-9._:-]{1,64}\z";

    /// <summary>Whether <paramref name="id"/> is a valid client request id.</summary>
    public static bool IsValid(string? id) => id is not null && Pattern().IsMatch(id);

    /// <summary>The key of part <paramref name="part"/> (0-based) of the request <paramref name="id"/>: <c>{id}/{part}</c>.</summary>
    public static string Part(string id, int part)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(part);
        return IsValid(id)
            ? id + "/" + part.ToString(CultureInfo.InvariantCulture)
            : throw new ArgumentException("not a valid request id", nameof(id));
    }

    /// <summary>Whether <paramref name="key"/> is a valid id or the key of a part of one (<see cref="Part"/>).</summary>
    public static bool IsValidKey(string? key) => key is not null && KeyPattern().IsMatch(key);

    [GeneratedRegex(PatternText, RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();

    [GeneratedRegex(@"\A[A-Za-z0-9._:-]{1,64}(/(0|[1-9][0-9]{0,8}))?\z", RegexOptions.CultureInvariant)]
    private static partial Regex KeyPattern();
}
