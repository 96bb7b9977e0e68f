using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Grains.Abstractions;
using DomainCriterionKind = StriveNetwork.Domain.Frameworks.CriterionKind;
using DomainEventKind = StriveNetwork.Domain.Progress.DesignationEventKind;

namespace StriveNetwork.Gateway.Tests;

/// <summary>Enums mapped by name between the domain / grain records and strive.v1: every member round-trips.</summary>
public sealed class EnumMapTests
{
    [Fact]
    public void CriterionKind_RoundTripsByName()
    {
        foreach (var kind in Enum.GetValues<DomainCriterionKind>())
        {
            var wire = EnumMap.ToProto(kind);
            Assert.NotEqual(V1.CriterionKind.Unspecified, wire);
            Assert.Equal(kind, EnumMap.ToDomain(wire));
        }

        Assert.Equal(Enum.GetValues<DomainCriterionKind>().Length + 1, Enum.GetValues<V1.CriterionKind>().Length);
    }

    [Fact]
    public void DesignationEventKind_RoundTripsByName()
    {
        foreach (var kind in Enum.GetValues<DomainEventKind>())
        {
            Assert.Equal(kind, EnumMap.ToDomain(EnumMap.ToProto(kind)));
        }

        Assert.Equal(Enum.GetValues<DomainEventKind>().Length + 1, Enum.GetValues<V1.DesignationEventKind>().Length);
    }

    [Fact]
    public void ReevaluationTrigger_RoundTripsByName()
    {
        foreach (var trigger in Enum.GetValues<ReevaluationTrigger>())
        {
            Assert.Equal(trigger, EnumMap.ToDomain(EnumMap.ToProto(trigger)));
        }

        Assert.Equal(Enum.GetValues<ReevaluationTrigger>().Length + 1, Enum.GetValues<V1.ReevaluationTrigger>().Length);
    }

    [Fact]
    public void UnspecifiedWireValue_HasNoDomainTwin() =>
        Assert.Throws<ArgumentException>(() => EnumMap.ToDomain(V1.CriterionKind.Unspecified));
}
