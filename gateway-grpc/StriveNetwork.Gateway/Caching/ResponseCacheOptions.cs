namespace StriveNetwork.Gateway.Caching;

/// <summary>
/// Size of the front door's cache of encoded read responses (configuration section <c>Strive:ResponseCache</c>, e.g.
/// env <c>Strive__ResponseCache__MaxEntries=0</c> to turn it off); validated when the host starts (docs/adr/0014).
/// </summary>
public sealed class ResponseCacheOptions
{
    /// <summary>Configuration section the host binds.</summary>
    public const string SectionName = "Strive:ResponseCache";

    /// <summary>Largest accepted <see cref="MaxEntries"/>.</summary>
    public const int MaxEntriesLimit = 1_000_000;

    /// <summary>Largest accepted <see cref="MaxBytes"/> (4 GiB).</summary>
    public const long MaxBytesLimit = 4L << 30;

    /// <summary>Most responses held (default 10,000; 0 turns the cache off; at most 1,000,000). The least recently used go first.</summary>
    public int MaxEntries { get; set; } = 10_000;

    /// <summary>Most bytes of responses held (default 64 MiB; at most 4 GiB). The least recently used go first.</summary>
    public long MaxBytes { get; set; } = 64L << 20;

    /// <summary>Largest response kept (default 1 MiB; 1..<see cref="MaxBytes"/>); larger ones are answered and not kept.</summary>
    public int MaxEntryBytes { get; set; } = 1 << 20;

    /// <summary>Every problem with the settings, each naming its configuration key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (MaxEntries is < 0 or > MaxEntriesLimit)
        {
            problems.Add($"{SectionName}:MaxEntries must be within 0..{MaxEntriesLimit} (got {MaxEntries})");
        }

        if (MaxBytes is < 0 or > MaxBytesLimit)
        {
            problems.Add($"{SectionName}:MaxBytes must be within 0..{MaxBytesLimit} (got {MaxBytes})");
        }

        if (MaxEntryBytes < 1 || MaxEntryBytes > Math.Max(1, MaxBytes))
        {
            problems.Add($"{SectionName}:MaxEntryBytes must be within 1..MaxBytes ({Math.Max(1, MaxBytes)}) (got {MaxEntryBytes})");
        }

        return problems;
    }
}
