using System.Text;
using System.Text.Json;

namespace StriveNetwork.Providers;

/// <summary>
/// Argument rules of every provider, checked before anything touches a store, so SQLite and PostgreSQL reject exactly
/// the same inputs (the conformance suite runs the same cases on both).
/// </summary>
internal static class StorageArguments
{
    /// <summary>
    /// PostgreSQL's btree holds at most about 2.7 kB per index entry; keys are kept well below that (in UTF-8 bytes,
    /// all key columns together) so that a key either fits everywhere or is rejected everywhere.
    /// </summary>
    public const int MaxKeyBytes = 2000;

    public static void ValidateKey(GrainStateKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key.GrainType, nameof(key));
        ArgumentNullException.ThrowIfNull(key.GrainKey, nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(key.StateName, nameof(key));
        ThrowIfContainsNul(key.GrainType, nameof(key));
        ThrowIfContainsNul(key.GrainKey, nameof(key));
        ThrowIfContainsNul(key.StateName, nameof(key));
        ThrowIfTooLong(nameof(key), key.GrainType, key.GrainKey, key.StateName);
    }

    public static void ValidateReminderKey(string serviceId, string grainId, string reminderName)
    {
        ArgumentException.ThrowIfNullOrEmpty(reminderName);
        ThrowIfContainsNul(reminderName, nameof(reminderName));
        ThrowIfContainsNul(grainId, "grainId");
        ThrowIfTooLong(nameof(reminderName), serviceId, grainId, reminderName);
    }

    public static void ValidateServiceId(string serviceId)
    {
        ArgumentException.ThrowIfNullOrEmpty(serviceId);
        ThrowIfContainsNul(serviceId, nameof(serviceId));
    }

    /// <summary>
    /// Rejects text that is not JSON, and JSON whose strings hold U+0000 (PostgreSQL's jsonb and text cannot store it),
    /// before anything is written. The message never quotes the payload.
    /// </summary>
    public static void ValidateJson(string json, string paramName)
    {
        ArgumentNullException.ThrowIfNull(json, paramName);
        try
        {
            using var document = JsonDocument.Parse(json);
            // A raw NUL is already invalid JSON; only the escape can smuggle one in, so most payloads skip the walk.
            if (json.Contains("\\u0000", StringComparison.OrdinalIgnoreCase) && ContainsNul(document.RootElement))
            {
                throw new ArgumentException("The serialized state holds U+0000 in a string, which PostgreSQL cannot store.", paramName);
            }
        }
        catch (JsonException ex)
        {
            // JsonException's message names a position, never the content.
            throw new ArgumentException($"The grain storage serializer did not produce JSON: {ex.Message}", paramName, ex);
        }
    }

    private static void ThrowIfContainsNul(string value, string paramName)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Keys and names must not contain U+0000 (PostgreSQL text cannot store it).", paramName);
        }
    }

    private static void ThrowIfTooLong(string paramName, params ReadOnlySpan<string> parts)
    {
        var bytes = 0;
        foreach (var part in parts)
        {
            bytes += Encoding.UTF8.GetByteCount(part);
        }

        if (bytes > MaxKeyBytes)
        {
            throw new ArgumentException($"The key is {bytes} UTF-8 bytes long; at most {MaxKeyBytes} fit in the stores' indexes.", paramName);
        }
    }

    private static bool ContainsNul(JsonElement element) => element.ValueKind switch
    {
        JsonValueKind.String => element.GetString()!.Contains('\0', StringComparison.Ordinal),
        JsonValueKind.Object => element.EnumerateObject().Any(p => p.Name.Contains('\0', StringComparison.Ordinal) || ContainsNul(p.Value)),
        JsonValueKind.Array => element.EnumerateArray().Any(ContainsNul),
        _ => false,
    };
}
