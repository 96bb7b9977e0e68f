using System.Reflection;
using Google.Protobuf.Reflection;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>The proto enum value name (e.g. <c>GATEWAY_EXPLORING</c>) the pages put in their data-* attributes.</summary>
public static class ProtoName
{
    public static string Of<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var field = typeof(TEnum).GetField(value.ToString(), BindingFlags.Public | BindingFlags.Static);
        return field?.GetCustomAttribute<OriginalNameAttribute>()?.Name
            ?? throw new ArgumentException($"{typeof(TEnum).Name}.{value} has no proto name", nameof(value));
    }
}
