namespace StriveNetwork.Gateway.Caching;

/// <summary>
/// What <see cref="ResponseCache.Find"/> found: the cached response, or, on a miss, the version and date announced
/// before the grain is called, under which <see cref="ResponseCache.Store"/> keeps the answer.
/// </summary>
public readonly struct ResponseCacheLookup
{
    internal ResponseCacheLookup(EncodedResponse? hit, bool cacheable, long version, DateOnly date)
    {
        Hit = hit;
        Cacheable = cacheable;
        Version = version;
        Date = date;
    }

    /// <summary>The cached response; null on a miss.</summary>
    public EncodedResponse? Hit { get; }

    /// <summary>False when the answer must not be kept: no local activation announced a version (or the cache is off).</summary>
    internal bool Cacheable { get; }

    /// <summary>The version announced before the grain call: the answer shows this state or a later one.</summary>
    internal long Version { get; }

    /// <summary>The date (UTC) of the lookup.</summary>
    internal DateOnly Date { get; }
}
