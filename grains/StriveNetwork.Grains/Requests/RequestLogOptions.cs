namespace StriveNetwork.Grains.Requests;

/// <summary>
/// How long and how many client request ids a grain remembers (configuration section <c>Strive:Requests</c>, e.g.
/// env <c>Strive__Requests__Window=1.00:00:00</c>); validated when the silo starts. A retry with the same id inside
/// the window, and while the id is among the grain's latest <see cref="MaxEntries"/>, gets the first result.
/// </summary>
public sealed class RequestLogOptions
{
    /// <summary>Configuration section the silo binds.</summary>
    public const string SectionName = "Strive:Requests";

    /// <summary>Shortest accepted <see cref="Window"/>.</summary>
    public static readonly TimeSpan MinWindow = TimeSpan.FromMinutes(1);

    /// <summary>Longest accepted <see cref="Window"/>.</summary>
    public static readonly TimeSpan MaxWindow = TimeSpan.FromDays(30);

    /// <summary>Largest accepted <see cref="MaxEntries"/>.</summary>
    public const int MaxEntriesLimit = 10_000;

    /// <summary>How long a grain remembers a request id (default 24 hours; 1 minute..30 days).</summary>
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Request ids a grain remembers at most, the latest (default 256; 1..10,000). The log is part of the grain's state
    /// row, rewritten by every write, so it is bounded in count as well as in time.
    /// </summary>
    public int MaxEntries { get; set; } = 256;

    /// <summary>Every problem with the settings, each naming its configuration key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (Window < MinWindow || Window > MaxWindow)
        {
            problems.Add($"{SectionName}:Window must be within {MinWindow}..{MaxWindow} (got {Window})");
        }

        if (MaxEntries is < 1 or > MaxEntriesLimit)
        {
            problems.Add($"{SectionName}:MaxEntries must be within 1..{MaxEntriesLimit} (got {MaxEntries})");
        }

        return problems;
    }
}
