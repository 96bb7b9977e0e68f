using System.Collections;

namespace StriveNetwork.Grpc;

/// <summary>One metadata entry: an ASCII value, or raw bytes for keys ending in <c>-bin</c>.</summary>
public sealed record GrpcMetadataEntry
{
    internal GrpcMetadataEntry(string key, string? value, byte[]? valueBytes)
    {
        Key = key;
        Value = value;
        ValueBytes = valueBytes;
    }

    /// <summary>The lowercase key.</summary>
    public string Key { get; }

    /// <summary>The ASCII value (null for binary entries).</summary>
    public string? Value { get; }

    /// <summary>The bytes of a binary (<c>-bin</c>) entry (null for ASCII entries).</summary>
    public byte[]? ValueBytes { get; }

    /// <summary>Whether the key ends in <c>-bin</c>.</summary>
    public bool IsBinary => ValueBytes is not null;
}

/// <summary>
/// Ordered gRPC metadata (headers or trailers). Keys are lowercased; keys ending in <c>-bin</c> carry bytes,
/// which travel base64-encoded on the wire.
/// </summary>
public sealed class GrpcMetadata : IReadOnlyList<GrpcMetadataEntry>
{
    private readonly List<GrpcMetadataEntry> _entries = [];

    /// <summary>Number of entries.</summary>
    public int Count => _entries.Count;

    /// <summary>The entry at <paramref name="index"/>.</summary>
    public GrpcMetadataEntry this[int index] => _entries[index];

    /// <summary>Adds an ASCII entry. The key must not end in <c>-bin</c>.</summary>
    public GrpcMetadata Add(string key, string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = NormalizeKey(key);
        if (IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Key '{key}' ends in -bin: add bytes instead.", nameof(key));
        }

        _entries.Add(new GrpcMetadataEntry(normalized, value, null));
        return this;
    }

    /// <summary>Adds a binary entry. The key must end in <c>-bin</c>.</summary>
    public GrpcMetadata Add(string key, byte[] value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var normalized = NormalizeKey(key);
        if (!IsBinaryKey(normalized))
        {
            throw new ArgumentException($"Key '{key}' must end in -bin for a binary value.", nameof(key));
        }

        _entries.Add(new GrpcMetadataEntry(normalized, null, value));
        return this;
    }

    /// <summary>The last ASCII value for <paramref name="key"/>, or null.</summary>
    public string? GetValue(string key)
    {
        var normalized = NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized && _entries[i].Value is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The last binary value for <paramref name="key"/>, or null.</summary>
    public byte[]? GetBytes(string key)
    {
        var normalized = NormalizeKey(key);
        for (var i = _entries.Count - 1; i >= 0; i--)
        {
            if (_entries[i].Key == normalized && _entries[i].ValueBytes is { } value)
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>Whether a key ends in <c>-bin</c>.</summary>
    public static bool IsBinaryKey(string key) => key.EndsWith("-bin", StringComparison.OrdinalIgnoreCase);

    /// <inheritdoc/>
    public IEnumerator<GrpcMetadataEntry> GetEnumerator() => _entries.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    private static string NormalizeKey(string key)
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return key.ToLowerInvariant();
    }
}
