using System.Text.Json;

namespace StriveNetwork.Providers;

/// <summary>
/// The JSON configuration of stored state: System.Text.Json web defaults (camelCase, case-insensitive reads), the
/// same options as the old runtime's <c>ActorJson.Options</c>, so rows it wrote read unchanged.
/// </summary>
public static class StateJson
{
    /// <summary>
    /// The value this provider writes to the <c>schema_version</c> column. The old runtime used the column for
    /// per-type state migrations; none were ever declared, so every row it wrote has 1, as every row written now does.
    /// </summary>
    public const int SchemaVersion = 1;

    /// <summary>A fresh copy of the options (callers may change their copy; the shared default stays frozen).</summary>
    public static JsonSerializerOptions CreateOptions() => new(JsonSerializerDefaults.Web);
}
