using System.Globalization;

namespace StriveNetwork.Providers;

/// <summary>ETags are a row's integer version as invariant decimal text ("1", "2", ...), for state and reminders alike.</summary>
public static class VersionETag
{
    /// <summary>The ETag of <paramref name="version"/>.</summary>
    public static string Format(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// The version a carried ETag names, or null when it cannot name one. Only the canonical text of a positive integer
    /// matches ("01", "+1", " 1" and "*" never do), so a malformed ETag fails like a stale one instead of matching by accident.
    /// </summary>
    public static long? Parse(string? etag) =>
        etag is not null
        && long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && version > 0
        && string.Equals(Format(version), etag, StringComparison.Ordinal)
            ? version
            : null;
}
