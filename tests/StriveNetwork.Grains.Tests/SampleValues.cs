using System.Globalization;
using System.Reflection;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Builds an instance of a message or state type with every member set to a non-default value (collections hold two
/// items), by reflection, so a serialization round trip that drops or mangles any member shows.
/// </summary>
public sealed class SampleValues
{
    private const int MaxDepth = 5;
    private int _counter;

    public object Create(Type type) => Create(type, 0)!;

    private object? Create(Type type, int depth)
    {
        var n = ++_counter;
        if (Nullable.GetUnderlyingType(type) is { } underlying)
        {
            return Create(underlying, depth);
        }

        if (type == typeof(string))
        {
            return "s" + n.ToString(CultureInfo.InvariantCulture);
        }

        if (type.IsEnum)
        {
            var values = Enum.GetValues(type);
            return values.GetValue(n % values.Length);
        }

        if (Scalar(type, n) is { } scalar)
        {
            return scalar;
        }

        if (type.IsArray)
        {
            var element = type.GetElementType()!;
            var array = Array.CreateInstance(element, depth >= MaxDepth ? 0 : 2);
            for (var i = 0; i < array.Length; i++)
            {
                array.SetValue(Create(element, depth + 1), i);
            }

            return array;
        }

        if (type.IsGenericType && DictionaryTypes(type) is { } dictionaryArgs)
        {
            var dictionary = (System.Collections.IDictionary)Activator.CreateInstance(typeof(Dictionary<,>).MakeGenericType(dictionaryArgs))!;
            for (var i = 0; depth < MaxDepth && i < 2; i++)
            {
                dictionary[Create(dictionaryArgs[0], depth + 1)!] = Create(dictionaryArgs[1], depth + 1);
            }

            return dictionary;
        }

        if (type.IsGenericType && ListElement(type) is { } listElement)
        {
            var list = (System.Collections.IList)Activator.CreateInstance(typeof(List<>).MakeGenericType(listElement))!;
            for (var i = 0; depth < MaxDepth && i < 2; i++)
            {
                list.Add(Create(listElement, depth + 1));
            }

            return list;
        }

        return CreateObject(type, depth);
    }

    private object CreateObject(Type type, int depth)
    {
        if (type.IsAbstract || type.IsInterface)
        {
            throw new NotSupportedException($"Cannot build a sample of {type}.");
        }

        var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
            ?? throw new NotSupportedException($"{type} has no public constructor.");
        var parameters = constructor.GetParameters();
        var instance = constructor.Invoke([.. parameters.Select(p => Create(p.ParameterType, depth + 1))]);

        // Members the constructor did not set (all of them for a parameterless one) get a sample value too.
        foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance))
        {
            if (property.SetMethod is { IsPublic: true } && property.GetIndexParameters().Length == 0
                && (parameters.Length == 0 || IsDefault(property.GetValue(instance), property.PropertyType)))
            {
                property.SetValue(instance, Create(property.PropertyType, depth + 1));
            }
        }

        return instance;
    }

    private static bool IsDefault(object? value, Type type) =>
        value is null or System.Collections.ICollection { Count: 0 } || (type.IsValueType && value.Equals(Activator.CreateInstance(type)));

    private static object? Scalar(Type type, int n) => type switch
    {
        _ when type == typeof(bool) => true,
        _ when type == typeof(int) => n,
        _ when type == typeof(long) => 1_000_000_000_000L + n,
        _ when type == typeof(uint) => (uint)n,
        _ when type == typeof(double) => n + 0.25,
        _ when type == typeof(DateTimeOffset) => new DateTimeOffset(2025, 3, 4, 5, 6, 7, TimeSpan.FromHours(-5)).AddMinutes(n),
        _ when type == typeof(DateTime) => new DateTime(2025, 3, 4, 5, 6, 7, DateTimeKind.Utc).AddMinutes(n),
        _ when type == typeof(DateOnly) => new DateOnly(2024, 1, 1).AddDays(n),
        _ when type == typeof(TimeSpan) => TimeSpan.FromSeconds(n),
        _ when type == typeof(Guid) => new Guid(n, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10),
        _ => null,
    };

    private static Type[]? DictionaryTypes(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyDictionary<,>) || definition == typeof(IDictionary<,>) || definition == typeof(Dictionary<,>)
            ? type.GetGenericArguments()
            : null;
    }

    private static Type? ListElement(Type type)
    {
        var definition = type.GetGenericTypeDefinition();
        return definition == typeof(IReadOnlyList<>) || definition == typeof(IList<>) || definition == typeof(List<>)
            || definition == typeof(IReadOnlyCollection<>) || definition == typeof(IEnumerable<>)
            ? type.GetGenericArguments()[0]
            : null;
    }
}
