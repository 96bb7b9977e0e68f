using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace StriveNetwork.Grains.Storage;

/// <summary>The JSON options a store should serialize grain state with (see <see cref="GrainStateJsonContext"/>).</summary>
public static class GrainStateJson
{
    /// <summary>
    /// Fresh options with the web defaults, resolving the grain states through <see cref="GrainStateJsonContext"/> and
    /// any other type through reflection.
    /// </summary>
    public static JsonSerializerOptions CreateOptions() => new(JsonSerializerDefaults.Web)
    {
        TypeInfoResolver = JsonTypeInfoResolver.Combine(GrainStateJsonContext.Default, new DefaultJsonTypeInfoResolver()),
    };
}
