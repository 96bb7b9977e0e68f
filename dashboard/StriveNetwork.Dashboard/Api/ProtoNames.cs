using System.Collections.Concurrent;
using System.Globalization;
using System.Reflection;
using System.Text;
using Google.Protobuf.Reflection;

namespace StriveNetwork.Dashboard.Api;

/// <summary>
/// Names of strive.v1 enum values: the proto name (<c>GATEWAY_STAGE_EXPLORING</c>, used in <c>data-*</c> attributes,
/// query strings and the live-update JSON, as the API's clients know it) and a human label ("Exploring").
/// </summary>
public static class ProtoNames
{
    private static readonly ConcurrentDictionary<Enum, string> Names = new();

    /// <summary>The value's name in the .proto file.</summary>
    public static string Of(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return Names.GetOrAdd(value, v =>
            v.GetType().GetField(v.ToString(), BindingFlags.Public | BindingFlags.Static)?.GetCustomAttribute<OriginalNameAttribute>()?.Name
            ?? v.ToString().ToUpperInvariant());
    }

    /// <summary>The value whose proto name is <paramref name="name"/>, skipping the UNSPECIFIED (0) value.</summary>
    public static bool TryParse<T>(string? name, out T value)
        where T : struct, Enum
    {
        foreach (var candidate in Enum.GetValues<T>())
        {
            if (Convert.ToInt32(candidate, CultureInfo.InvariantCulture) != 0 && string.Equals(Of(candidate), name, StringComparison.Ordinal))
            {
                value = candidate;
                return true;
            }
        }

        value = default;
        return false;
    }

    /// <summary>"SystemsChange" → "Systems change".</summary>
    public static string Label(Enum value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var name = value.ToString();
        var text = new StringBuilder(name.Length + 4);
        for (var i = 0; i < name.Length; i++)
        {
            if (i > 0 && char.IsUpper(name[i]))
            {
                text.Append(' ').Append(char.ToLowerInvariant(name[i]));
            }
            else
            {
                text.Append(name[i]);
            }
        }

        return text.ToString();
    }

    /// <summary>An integer as the pages show it (invariant culture).</summary>
    public static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>A percentage or rate with one decimal (invariant culture).</summary>
    public static string Decimal(double value) => value.ToString("0.0", CultureInfo.InvariantCulture);
}
