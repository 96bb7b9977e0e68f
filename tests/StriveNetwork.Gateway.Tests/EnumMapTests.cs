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

    [Fact]
    public void EveryTwoWayEnum_RoundTripsEveryMemberByName()
    {
        RoundTrip<StriveNetwork.Domain.Frameworks.GatewayStage, V1.GatewayStage>(EnumMap.ToProto, w => EnumMap.ToDomainOrNull(w)!.Value);
        RoundTrip<StriveNetwork.Domain.Assessments.BenchmarkStatus, V1.BenchmarkStatus>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<Designation, V1.Designation>(EnumMap.ToProto, w => EnumMap.ToDomainOrNull(w)!.Value);
        RoundTrip<StriveNetwork.Domain.Indicators.Outcome, V1.Outcome>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<StriveNetwork.Domain.Indicators.IndicatorRole, V1.IndicatorKind>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<StriveNetwork.Domain.Indicators.Polarity, V1.Polarity>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<StriveNetwork.Domain.Indicators.GapReferenceKind, V1.GapReferenceRule>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<Sector, V1.Sector>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<StaffRole, V1.StaffRole>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<GeographicScopeLevel, V1.GeographicScopeLevel>(EnumMap.ToProto, w => EnumMap.ToDomain(w, "f"));
        RoundTrip<TokenRole, V1.Role>(EnumMap.ToProto, w => EnumMap.ToDomainOrNull(w)!.Value);
    }

    [Fact]
    public void EveryOneWayEnum_MapsEveryMemberToTheWireMemberOfTheSameName()
    {
        OneWay<StriveNetwork.Domain.Indicators.TrendDirection, V1.TrendDirection>(EnumMap.ToProto);
        OneWay<StriveNetwork.Domain.Indicators.GapChange, V1.GapChange>(EnumMap.ToProto);
        OneWay<ObservationErrorCode, V1.ObservationErrorCode>(EnumMap.ToProto);
        OneWay<DefineResult, V1.DefineIndicatorResult>(EnumMap.ToProto);
        Assert.Equal(V1.TrendMethod.NotEvaluated, EnumMap.ToProto(StriveNetwork.Domain.Indicators.TrendMethod.None));
        Assert.Equal(V1.TrendMethod.TwoProportionZTest, EnumMap.ToProto(StriveNetwork.Domain.Indicators.TrendMethod.TwoProportionZTest));
        Assert.Equal(V1.TrendMethod.ToleranceBand, EnumMap.ToProto(StriveNetwork.Domain.Indicators.TrendMethod.ToleranceBand));
    }

    [Fact]
    public void UndefinedWireValues_AreRejectedNamingTheField()
    {
        var error = Assert.Throws<Grpc.Core.RpcException>(() => EnumMap.ToDomain((V1.Outcome)42, "definition.outcome"));
        Assert.Equal(Grpc.Core.StatusCode.InvalidArgument, error.StatusCode);
        Assert.Equal("definition.outcome: unknown value 42", error.Status.Detail);
        Assert.Throws<Grpc.Core.RpcException>(() => EnumMap.ToDomain(V1.Outcome.Unspecified, "definition.outcome"));
    }

    private static void RoundTrip<TDomain, TWire>(Func<TDomain, TWire> toWire, Func<TWire, TDomain> toDomain)
        where TDomain : struct, Enum
        where TWire : struct, Enum
    {
        foreach (var member in Enum.GetValues<TDomain>())
        {
            var wire = toWire(member);
            Assert.Equal(member.ToString(), wire.ToString());
            Assert.Equal(member, toDomain(wire));
        }

        foreach (var wire in Enum.GetValues<TWire>().Where(w => w.ToString() != "Unspecified"))
        {
            Assert.Equal(wire, toWire(toDomain(wire)));
        }
    }

    private static void OneWay<TDomain, TWire>(Func<TDomain, TWire> toWire)
        where TDomain : struct, Enum
        where TWire : struct, Enum
    {
        foreach (var member in Enum.GetValues<TDomain>())
        {
            Assert.Equal(member.ToString(), toWire(member).ToString());
        }
    }
}
