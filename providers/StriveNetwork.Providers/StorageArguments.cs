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
    /// Rejects UTF-8 text that is not JSON, and JSON whose strings hold U+0000 (PostgreSQL's jsonb and text cannot store
    /// it), before anything is written: the serializer's output, checked before it is decoded. The message never quotes
    /// the payload.
    /// </summary>
    public static void ValidateJson(ReadOnlySpan<byte> utf8Json, string paramName) => ValidateJson(utf8Json, paramName, syntaxKnownValid: false);

    /// <summary>
    /// As <see cref="ValidateJson(ReadOnlySpan{byte}, string)"/>; with <paramref name="syntaxKnownValid"/> (the text
    /// comes from System.Text.Json's writer, which refuses to write anything but JSON) the syntax pass runs only when
    /// an escaped NUL has to be looked at.
    /// </summary>
    public static void ValidateJson(ReadOnlySpan<byte> utf8Json, string paramName, bool syntaxKnownValid)
    {
        // A forward-only read checks the syntax without building a document (this runs on every state write). A raw NUL
        // is already invalid JSON; only the escape can smuggle one in, so most payloads never decode a string. JSON
        // escapes take a lower-case 'u' and "0000" has no case: the ordinal search finds every one.
        var checkNul = utf8Json.IndexOf(EscapedNul) >= 0;
        if (syntaxKnownValid && !checkNul)
        {
            return;
        }

        try
        {
            var reader = new Utf8JsonReader(utf8Json);
            while (reader.Read())
            {
                if (checkNul && reader.TokenType is JsonTokenType.String or JsonTokenType.PropertyName && reader.ValueIsEscaped
                    && reader.GetString()!.Contains('\0', StringComparison.Ordinal))
                {
                    throw new ArgumentException("The serialized state holds U+0000 in a string, which PostgreSQL cannot store.", paramName);
                }
            }
        }
        catch (JsonException ex)
        {
            // Only the position: JsonException's message can quote a fragment of the payload (an invalid literal), and
            // the payload is state that clients wrote. An empty, incomplete or trailing text throws here as well.
            throw new ArgumentException(
                $"The grain storage serializer did not produce JSON (line {ex.LineNumber ?? 0}, byte {ex.BytePositionInLine ?? 0}).", paramName);
        }
    }

    private static ReadOnlySpan<byte> EscapedNul => "\\u0000"u8;

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
}
