namespace StriveNetwork.Domain;

/// <summary>
/// Maps domain enums to and from their names: the way to cross a boundary (wire, storage) so that a renumbered or
/// reordered member can never be read as another one. Only defined members have a name; parsing accepts exact
/// member names only (no numbers, no comma lists, no case folding).
/// </summary>
public static class DomainEnum
{
    /// <summary>The member's name.</summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not a defined member.</exception>
    public static string Name<TEnum>(TEnum value)
        where TEnum : struct, Enum =>
        Enum.IsDefined(value)
            ? value.ToString()
            : throw new ArgumentOutOfRangeException(nameof(value), value, $"{typeof(TEnum).Name} has no member with value {System.Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}.");

    /// <summary>The member with exactly this name.</summary>
    /// <exception cref="ArgumentException">No member has this name.</exception>
    public static TEnum Parse<TEnum>(string name)
        where TEnum : struct, Enum =>
        TryParse<TEnum>(name, out var value)
            ? value
            : throw new ArgumentException($"'{name}' is not a {typeof(TEnum).Name} (expected one of {string.Join(", ", Enum.GetNames<TEnum>())}).", nameof(name));

    /// <summary>The member with exactly this name, if any.</summary>
    public static bool TryParse<TEnum>(string? name, out TEnum value)
        where TEnum : struct, Enum
    {
        if (name is not null && Enum.GetNames<TEnum>().Contains(name, StringComparer.Ordinal))
        {
            value = Enum.Parse<TEnum>(name);
            return true;
        }

        value = default;
        return false;
    }

    /// <summary>
    /// Maps a member to the member of another enum with the same name (e.g. a domain enum to its wire twin).
    /// </summary>
    /// <exception cref="ArgumentException">The other enum has no member of that name.</exception>
    public static TTarget Convert<TSource, TTarget>(TSource value)
        where TSource : struct, Enum
        where TTarget : struct, Enum =>
        Parse<TTarget>(Name(value));
}
