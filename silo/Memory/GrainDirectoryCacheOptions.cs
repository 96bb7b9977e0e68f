using Orleans.Configuration;

namespace StriveNetwork.Silo.Memory;

/// <summary>
/// The size of Orleans' grain directory cache (configuration section <c>Strive:GrainDirectory</c>, e.g. env
/// <c>Strive__GrainDirectory__CacheSize=200000</c>); validated when the silo starts. Orleans sizes the cache's
/// dictionaries for <see cref="GrainDirectoryOptions.CacheSize"/> up front: its default of 1,000,000 entries costs
/// about 18.6 MiB of large-object heap in every silo, empty or not, whatever the number of grains (docs/adr/0019).
/// </summary>
public sealed class GrainDirectoryCacheOptions
{
    /// <summary>Configuration section the silo binds.</summary>
    public const string SectionName = "Strive:GrainDirectory";

    /// <summary>Largest accepted <see cref="CacheSize"/> (Orleans' own default).</summary>
    public const int MaxCacheSize = 1_000_000;

    /// <summary>
    /// Grain addresses the silo caches at most (default 100,000, about 1.9 MiB: the design's 10,000 partnerships with
    /// their indicators; 0..1,000,000; 0 turns the cache off, every call to a grain then asks the directory).
    /// </summary>
    public int CacheSize { get; set; } = 100_000;

    /// <summary>Every problem with the settings, each naming its configuration key; empty when they are valid.</summary>
    public IReadOnlyList<string> Validate() =>
        CacheSize is < 0 or > MaxCacheSize
            ? [$"{SectionName}:CacheSize must be within 0..{MaxCacheSize} (got {CacheSize})"]
            : [];
}
