using System.Text.Json;
using System.Text.Json.Serialization;

namespace StriveNetwork.Grains.Storage;

/// <summary>
/// Compile-time JSON contracts for every grain's durable state, with the web defaults the JSON stores use (camelCase,
/// case-insensitive reads). A store writes state through them (System.Text.Json's generated writing code, instead of
/// walking reflection metadata) and reads it through reflection; the JSON is the same byte for byte (docs/adr/0023).
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(PartnershipState))]
[JsonSerializable(typeof(IndicatorState))]
[JsonSerializable(typeof(NetworkShardState))]
[JsonSerializable(typeof(NetworkState))]
[JsonSerializable(typeof(CohortState))]
[JsonSerializable(typeof(TokenRegistryState))]
public sealed partial class GrainStateJsonContext : JsonSerializerContext;
