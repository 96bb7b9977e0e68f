using System.Reflection;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests;

/// <summary>Every public domain enum crosses a boundary by name, and back.</summary>
public sealed class DomainEnumTests
{
    public static TheoryData<Type> PublicEnums()
    {
        var data = new TheoryData<Type>();
        foreach (var type in typeof(DomainEnum).Assembly.GetExportedTypes().Where(t => t.IsEnum).OrderBy(t => t.FullName, StringComparer.Ordinal))
        {
            data.Add(type);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(PublicEnums))]
    public void EveryMember_RoundTripsByName_AndUndefinedValuesHaveNoName(Type enumType)
    {
        var roundTrip = typeof(DomainEnumTests).GetMethod(nameof(RoundTrip), BindingFlags.NonPublic | BindingFlags.Static)!.MakeGenericMethod(enumType);

        roundTrip.Invoke(null, null);
    }

    [Fact]
    public void PublicEnums_IncludeTheOnesOnTheWire()
    {
        var names = typeof(DomainEnum).Assembly.GetExportedTypes().Where(t => t.IsEnum).Select(t => t.Name).ToHashSet();

        Assert.Superset(
            new HashSet<string> { "GatewayStage", "CriterionKind", "DesignationEventKind", "TrendDirection", "GapChange", "Outcome", "BenchmarkStatus", "CellStatus", "ProtectionRequirement" },
            names);
        Assert.True(PublicEnums().Count >= names.Count);
    }

    [Fact]
    public void Convert_MapsByNameNotByNumber()
    {
        Assert.Equal(Twin.Maintained, DomainEnum.Convert<TrendDirection, Twin>(TrendDirection.Maintained));
        Assert.Throws<ArgumentException>(() => DomainEnum.Convert<TrendDirection, Twin>(TrendDirection.InsufficientData));
        Assert.Throws<ArgumentException>(() => DomainEnum.Parse<TrendDirection>("1"));
        Assert.Throws<ArgumentException>(() => DomainEnum.Parse<TrendDirection>("improved"));
    }

    private static void RoundTrip<TEnum>()
        where TEnum : struct, Enum
    {
        foreach (var value in Enum.GetValues<TEnum>())
        {
            var name = DomainEnum.Name(value);
            Assert.Equal(value, DomainEnum.Parse<TEnum>(name));
        }

        var undefined = (TEnum)Enum.ToObject(typeof(TEnum), Enum.GetValues<TEnum>().Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).Max() + 1);
        Assert.Throws<ArgumentOutOfRangeException>(() => DomainEnum.Name(undefined));
        Assert.False(DomainEnum.TryParse<TEnum>(Enum.GetNames<TEnum>()[0].ToUpperInvariant() + "_X", out _));
    }

    /// <summary>A wire-style twin numbered differently: Maintained is 1 here, Improved 2.</summary>
    private enum Twin
    {
        Maintained = 1,
        Improved = 2,
    }
}
