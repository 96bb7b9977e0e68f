using System.Globalization;
using System.Text.Json;

namespace StriveNetwork.Actors.Persistence;

// One source of truth for argument rules of all three providers: this file is compiled into
// StriveNetwork.Actors (memory provider) and linked into the SQLite and PostgreSQL projects, each getting its own
// internal copy, so every provider rejects exactly the same inputs (the conformance suite checks it).

/// <summary>Argument checks shared by the storage providers' entry points.</summary>
internal static class StorageArguments
{
    public static void ValidateKey(GrainStateKey key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key.GrainType, nameof(key));
        ArgumentNullException.ThrowIfNull(key.GrainKey, nameof(key));
        ArgumentException.ThrowIfNullOrEmpty(key.StateName, nameof(key));
        ThrowIfContainsNul(key.GrainType, nameof(key));
        ThrowIfContainsNul(key.GrainKey, nameof(key));
        ThrowIfContainsNul(key.StateName, nameof(key));
    }

    /// <summary>
    /// Rejects malformed JSON, and JSON whose strings hold U+0000 (PostgreSQL's jsonb cannot store it), before
    /// anything is written, so every provider fails the same way.
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
                throw new ArgumentException("JSON strings must not contain U+0000 (PostgreSQL jsonb cannot store it).", paramName);
            }
        }
        catch (JsonException ex)
        {
            throw new ArgumentException($"Not valid JSON: {ex.Message}", paramName, ex);
        }
    }

    public static void ValidateProducer(string producerType, string producerKey)
    {
        ArgumentException.ThrowIfNullOrEmpty(producerType);
        ArgumentNullException.ThrowIfNull(producerKey);
        ThrowIfContainsNul(producerType, nameof(producerType));
        ThrowIfContainsNul(producerKey, nameof(producerKey));
    }

    public static void ValidateSubscription(string subscription)
    {
        ArgumentException.ThrowIfNullOrEmpty(subscription);
        ThrowIfContainsNul(subscription, nameof(subscription));
    }

    public static void ValidateDrafts(IReadOnlyList<StreamEventDraft> events)
    {
        ArgumentNullException.ThrowIfNull(events);
        foreach (var draft in events)
        {
            ArgumentNullException.ThrowIfNull(draft, nameof(events));
            ArgumentNullException.ThrowIfNull(draft.StreamNamespace, nameof(events));
            ArgumentNullException.ThrowIfNull(draft.StreamKey, nameof(events));
            ArgumentNullException.ThrowIfNull(draft.PayloadType, nameof(events));
            ThrowIfContainsNul(draft.StreamNamespace, nameof(events));
            ThrowIfContainsNul(draft.StreamKey, nameof(events));
            ThrowIfContainsNul(draft.PayloadType, nameof(events));
            ValidateJson(draft.PayloadJson, nameof(events));
        }
    }

    public static void ValidateDeadLetter(DeadLetterRecord deadLetter)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        ValidateSubscription(deadLetter.Subscription);
        ArgumentNullException.ThrowIfNull(deadLetter.Event, nameof(deadLetter));
        ArgumentNullException.ThrowIfNull(deadLetter.Error, nameof(deadLetter));
        ThrowIfContainsNul(deadLetter.Error, nameof(deadLetter));
        ValidateJson(deadLetter.Event.PayloadJson, nameof(deadLetter));
    }

    public static string FormatETag(long version) => version.ToString(CultureInfo.InvariantCulture);

    /// <summary>
    /// Parses a carried ETag. Only the canonical form of a positive integer can match a stored version ("01" never
    /// matches "1"), so null means "cannot match anything".
    /// </summary>
    public static long? ParseETag(string? etag) =>
        etag is not null
        && long.TryParse(etag, NumberStyles.None, CultureInfo.InvariantCulture, out var version)
        && version > 0
        && string.Equals(FormatETag(version), etag, StringComparison.Ordinal)
            ? version
            : null;

    /// <summary>PostgreSQL text cannot hold U+0000; reject it everywhere so tests on memory fail like production.</summary>
    private static void ThrowIfContainsNul(string value, string paramName)
    {
        if (value.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("Text must not contain U+0000.", paramName);
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
