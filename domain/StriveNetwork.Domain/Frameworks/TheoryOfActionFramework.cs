using System.Collections.Immutable;

namespace StriveNetwork.Domain.Frameworks;

/// <summary>
/// One version of the StriveTogether Theory of Action, loaded from a data file: ordered gateways, pillars,
/// principles, benchmarks with provenance, placement parameters and designation rules.
/// </summary>
public sealed record TheoryOfActionFramework(
    string Id,
    string Name,
    string Version,
    string Source,
    ImmutableArray<Gateway> Gateways,
    ImmutableArray<Pillar> Pillars,
    ImmutableArray<Principle> Principles,
    ImmutableArray<Benchmark> Benchmarks,
    PlacementRules Placement,
    DesignationRules Designations)
{
    /// <summary>
    /// Revision of the designation rules in the data file (1 when absent). Raised when the rules change in a way
    /// that can change an evaluation (revision 2: the gateway sequence prerequisites); every designation award
    /// records it, so a stored award keeps pointing at the rules that granted it.
    /// </summary>
    public int RulesRevision { get; init; } = 1;

    /// <summary>The gateway with this id, or null.</summary>
    public Gateway? FindGateway(string gatewayId) =>
        Gateways.FirstOrDefault(g => string.Equals(g.Id, gatewayId, StringComparison.Ordinal));

    /// <summary>The gateway with this fixed stage, or null when this version has no such gateway.</summary>
    public Gateway? FindGateway(GatewayStage stage) => Gateways.FirstOrDefault(g => g.Stage == stage);

    /// <summary>The gateway with this id; throws <see cref="KeyNotFoundException"/> naming the framework otherwise.</summary>
    public Gateway GetGateway(string gatewayId) =>
        FindGateway(gatewayId) ?? throw new KeyNotFoundException($"Framework '{Id}' has no gateway '{gatewayId}'.");

    /// <summary>The pillar with this id, or null.</summary>
    public Pillar? FindPillar(string pillarId) =>
        Pillars.FirstOrDefault(p => string.Equals(p.Id, pillarId, StringComparison.Ordinal));

    /// <summary>The benchmark with this id, or null.</summary>
    public Benchmark? FindBenchmark(string benchmarkId) =>
        Benchmarks.FirstOrDefault(b => string.Equals(b.Id, benchmarkId, StringComparison.Ordinal));

    /// <summary>The benchmarks of one gateway, in file order.</summary>
    public IEnumerable<Benchmark> BenchmarksIn(string gatewayId) =>
        Benchmarks.Where(b => string.Equals(b.GatewayId, gatewayId, StringComparison.Ordinal));

    /// <summary>
    /// The benchmarks of one gateway that gateway placement requires: all of them, less carried-over ones when
    /// <see cref="PlacementRules.CountCarriedOverBenchmarks"/> is off.
    /// </summary>
    public IEnumerable<Benchmark> RequiredBenchmarksIn(string gatewayId) =>
        BenchmarksIn(gatewayId).Where(b => Placement.CountCarriedOverBenchmarks || !b.Provenance.CarriedOver);
}

/// <summary>A gateway: a stage of partnership development, ordered within its framework.</summary>
public sealed record Gateway(string Id, string Name, int Order, GatewayStage Stage, GatewayEntry Entry);

/// <summary>One of the four pillars (Shared Community Vision, Evidence-Based Decision Making, …).</summary>
public sealed record Pillar(string Id, string Name);

/// <summary>A principle partnerships demonstrate while moving through the gateways.</summary>
public sealed record Principle(string Id, string Name, string Text);

/// <summary>A quality benchmark of one gateway and one pillar, with a stable id.</summary>
public sealed record Benchmark(string Id, string GatewayId, string PillarId, string Text, BenchmarkProvenance Provenance);

/// <summary>
/// Where a benchmark's text and placement come from: the seed, the confidence of its gateway/pillar placement,
/// whether it was carried over from another version, and a note when its placement is uncertain.
/// </summary>
public sealed record BenchmarkProvenance(
    string Seed,
    string Confidence,
    bool CarriedOver,
    string? CarriedOverFrom,
    string? UncertainPlacement);

/// <summary>Parameters of benchmark-based gateway placement.</summary>
/// <param name="CountCarriedOverBenchmarks">
/// Whether benchmarks carried over from another version (the 6-gateway I&amp;S benchmarks) are required for placement.
/// </param>
public sealed record PlacementRules(bool CountCarriedOverBenchmarks);
