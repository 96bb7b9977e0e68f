using System.Text.Json;

namespace StriveNetwork.Actors;

/// <summary>The one JSON configuration for state, stream payloads and forced call serialization.</summary>
public static class ActorJson
{
    /// <summary>Web defaults (camelCase), so stored JSON reads naturally in SQL.</summary>
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web);
}
