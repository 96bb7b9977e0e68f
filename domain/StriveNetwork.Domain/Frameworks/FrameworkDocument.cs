using System.Text.Json.Serialization;

namespace StriveNetwork.Domain.Frameworks;

// The wire shape of a framework data file. Everything is nullable so that FrameworkReader, not the serializer,
// reports missing fields with the file, item and problem named.

internal sealed class FrameworkDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Version { get; set; }
    public int? RulesRevision { get; set; }
    public string? Source { get; set; }
    public List<GatewayDocument>? Gateways { get; set; }
    public List<PillarDocument>? Pillars { get; set; }
    public List<PrincipleDocument>? Principles { get; set; }
    public PlacementDocument? Placement { get; set; }
    public List<BenchmarkDocument>? Benchmarks { get; set; }
    public List<DesignationDocument>? Designations { get; set; }
}

internal sealed class GatewayDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public int? Order { get; set; }
    public string? Stage { get; set; }
    public string? Entry { get; set; }
}

internal sealed class PillarDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
}

internal sealed class PrincipleDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? Text { get; set; }
}

internal sealed class PlacementDocument
{
    public bool? CountCarriedOverBenchmarks { get; set; }
}

internal sealed class BenchmarkDocument
{
    public string? Id { get; set; }
    public string? Gateway { get; set; }
    public string? Pillar { get; set; }
    public string? Text { get; set; }
    public ProvenanceDocument? Provenance { get; set; }
}

internal sealed class ProvenanceDocument
{
    public string? Seed { get; set; }
    public string? Confidence { get; set; }
    public bool? CarriedOver { get; set; }
    public string? CarriedOverFrom { get; set; }
    public string? UncertainPlacement { get; set; }
}

internal sealed class DesignationDocument
{
    public string? Id { get; set; }
    public string? Name { get; set; }
    public string? GrantsGateway { get; set; }
    public string? Source { get; set; }
    public List<CriterionDocument>? Criteria { get; set; }
}

internal sealed class CriterionDocument
{
    public string? Kind { get; set; }
    public string? Name { get; set; }
    public string? Description { get; set; }
    public string? Gateway { get; set; }
    public int? Minimum { get; set; }
    public int? MinimumPerPillar { get; set; }
    public int? PillarsRequired { get; set; }
    public decimal? MinimumPercent { get; set; }
    public List<string>? Trends { get; set; }
    public List<string>? Changes { get; set; }
    public bool? DistinctOutcomes { get; set; }
    public List<string>? Designations { get; set; }
    public bool? Standing { get; set; }
    public List<string>? RecordedAfterAwardOf { get; set; }
}

[JsonSourceGenerationOptions(
    PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    ReadCommentHandling = System.Text.Json.JsonCommentHandling.Skip,
    AllowTrailingCommas = true,
    UnmappedMemberHandling = JsonUnmappedMemberHandling.Disallow)]
[JsonSerializable(typeof(FrameworkDocument))]
internal sealed partial class FrameworkJsonContext : JsonSerializerContext;
