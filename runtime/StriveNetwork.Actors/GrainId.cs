namespace StriveNetwork.Actors;

/// <summary>
/// Identity of a virtual actor: grain type name plus string key, formatted "{type}/{key}" (Orleans' GrainId).
/// Storage keys use both parts as separate columns, never a hash.
/// </summary>
public readonly record struct GrainId
{
    /// <summary>Creates an identity.</summary>
    public GrainId(string type, string key)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(key);
        if (type.Contains('/', StringComparison.Ordinal))
        {
            throw new ArgumentException($"A grain type name cannot contain '/': '{type}'.", nameof(type));
        }

        Type = type;
        Key = key;
    }

    /// <summary>Grain type name, e.g. "partnership".</summary>
    public string Type { get; }

    /// <summary>Grain key.</summary>
    public string Key { get; }

    /// <summary>Parses "{type}/{key}", splitting on the first '/'.</summary>
    public static GrainId Parse(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var slash = value.IndexOf('/', StringComparison.Ordinal);
        if (slash <= 0)
        {
            throw new FormatException($"'{value}' is not a grain id of the form type/key.");
        }

        return new GrainId(value[..slash], value[(slash + 1)..]);
    }

    /// <inheritdoc />
    public override string ToString() => $"{Type}/{Key}";
}
