using System.ComponentModel.DataAnnotations;

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

    /// <summary>How long a grain remembers a request id (default 24 hours; 1 minute..30 days).</summary>
    [Range(typeof(TimeSpan), "00:01:00", "30.00:00:00")]
    public TimeSpan Window { get; set; } = TimeSpan.FromHours(24);

    /// <summary>
    /// Request ids a grain remembers at most, the latest (default 256; 1..10,000). The log is part of the grain's state
    /// row, rewritten by every write, so it is bounded in count as well as in time.
    /// </summary>
    [Range(1, 10_000)]
    public int MaxEntries { get; set; } = 256;
}
