using System.Collections.Immutable;

namespace StriveNetwork.Domain.Frameworks;

/// <summary>
/// The Theory of Action versions known to the system, loaded from the data files embedded in this assembly
/// (<c>Frameworks/Data/*.json</c>) or from a stream or file.
/// </summary>
public sealed class FrameworkCatalog
{
    private const string ResourcePrefix = "StriveNetwork.Domain.Frameworks.";

    /// <summary>Id of the five-gateway version (seed 003).</summary>
    public const string FiveGatewayId = "toa-5g-2016";

    /// <summary>Id of the six-gateway version (seed 002).</summary>
    public const string SixGatewayId = "toa-6g";

    private static readonly Lazy<FrameworkCatalog> EmbeddedCatalog = new(LoadEmbeddedCore);

    /// <summary>Creates a catalog; framework ids must be unique.</summary>
    public FrameworkCatalog(IEnumerable<TheoryOfActionFramework> frameworks)
    {
        ArgumentNullException.ThrowIfNull(frameworks);
        var list = frameworks.ToImmutableArray();
        var duplicate = list.GroupBy(f => f.Id, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1);
        if (duplicate is not null)
        {
            throw new ArgumentException($"Framework id '{duplicate.Key}' appears more than once.", nameof(frameworks));
        }

        Frameworks = list;
    }

    /// <summary>The frameworks, in load order.</summary>
    public ImmutableArray<TheoryOfActionFramework> Frameworks { get; }

    /// <summary>The catalog of the embedded data files, loaded and validated once.</summary>
    public static FrameworkCatalog Embedded => EmbeddedCatalog.Value;

    /// <summary>Loads and validates every embedded framework data file.</summary>
    public static FrameworkCatalog LoadEmbedded() => LoadEmbeddedCore();

    /// <summary>Loads and validates one framework from a stream; <paramref name="sourceName"/> names it in errors.</summary>
    /// <exception cref="FrameworkValidationException">The data is malformed.</exception>
    public static TheoryOfActionFramework Load(Stream stream, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(stream);
        ArgumentException.ThrowIfNullOrWhiteSpace(sourceName);
        return FrameworkReader.Read(stream, sourceName);
    }

    /// <summary>Loads and validates one framework from a file.</summary>
    /// <exception cref="FrameworkValidationException">The data is malformed.</exception>
    public static TheoryOfActionFramework LoadFile(string path)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        using var stream = File.OpenRead(path);
        return FrameworkReader.Read(stream, Path.GetFileName(path));
    }

    /// <summary>The framework with this id, or null.</summary>
    public TheoryOfActionFramework? Find(string frameworkId) =>
        Frameworks.FirstOrDefault(f => string.Equals(f.Id, frameworkId, StringComparison.Ordinal));

    /// <summary>The framework with this id; throws <see cref="KeyNotFoundException"/> listing the known ids otherwise.</summary>
    public TheoryOfActionFramework Get(string frameworkId) =>
        Find(frameworkId) ?? throw new KeyNotFoundException(
            $"Unknown framework '{frameworkId}'. Known: {string.Join(", ", Frameworks.Select(f => f.Id))}.");

    private static FrameworkCatalog LoadEmbeddedCore()
    {
        var assembly = typeof(FrameworkCatalog).Assembly;
        var frameworks = new List<TheoryOfActionFramework>();
        foreach (var resource in assembly.GetManifestResourceNames()
                     .Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)
                                 && n.EndsWith(".json", StringComparison.Ordinal))
                     .Order(StringComparer.Ordinal))
        {
            using var stream = assembly.GetManifestResourceStream(resource)
                ?? throw new InvalidOperationException($"Embedded resource '{resource}' vanished.");
            frameworks.Add(FrameworkReader.Read(stream, resource[ResourcePrefix.Length..]));
        }

        return new FrameworkCatalog(frameworks);
    }
}
