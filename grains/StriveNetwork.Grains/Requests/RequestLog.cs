namespace StriveNetwork.Grains.Requests;

/// <summary>
/// The client request ids a grain has recorded, oldest first, each with the fingerprint of its request and what a
/// replay needs of its result. Part of the grain's state, written in the same state write as the change a request
/// made (docs/adr/0011), so a change and its record are stored together or not at all. Bounded by
/// <see cref="RequestLogOptions"/>; immutable: every change returns a new log.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.RequestLog")]
public sealed record RequestLog
{
    /// <summary>No entries.</summary>
    public static RequestLog Empty { get; } = new();

    /// <summary>The recorded requests, oldest first.</summary>
    [Id(0)]
    public IReadOnlyList<RequestLogEntry> Entries { get; init; } = [];

    /// <summary>The entry recorded under <paramref name="id"/> at or after <paramref name="notBefore"/>, or null.</summary>
    public RequestLogEntry? Find(string id, DateTimeOffset notBefore)
    {
        ArgumentNullException.ThrowIfNull(id);
        for (var i = Entries.Count - 1; i >= 0; i--)
        {
            var entry = Entries[i];
            if (string.Equals(entry.Id, id, StringComparison.Ordinal))
            {
                return entry.Time >= notBefore ? entry : null;
            }
        }

        return null;
    }

    /// <summary>
    /// The log with <paramref name="entry"/> appended, without the entries recorded before <paramref name="notBefore"/>,
    /// and without the oldest ones beyond <paramref name="maxEntries"/>.
    /// </summary>
    public RequestLog With(RequestLogEntry entry, DateTimeOffset notBefore, int maxEntries)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxEntries, 1);
        var kept = Entries
            .Where(e => e.Time >= notBefore && !string.Equals(e.Id, entry.Id, StringComparison.Ordinal))
            .Append(entry)
            .ToList();
        return new RequestLog { Entries = kept.Count > maxEntries ? kept[^maxEntries..] : kept };
    }
}

/// <summary>One recorded request: the client's id, the fingerprint of what it asked, when, and its result.</summary>
[GenerateSerializer, Immutable, Alias("strive.RequestLogEntry")]
public sealed record RequestLogEntry(string Id, string Fingerprint, DateTimeOffset Time, RequestResult Result);
