using Grpc.Core;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Grains.Abstractions;
using DomainStatus = StriveNetwork.Domain.Assessments.BenchmarkStatus;
using DomainStage = StriveNetwork.Domain.Frameworks.GatewayStage;
using GapChange = StriveNetwork.Domain.Indicators.GapChange;
using GapReferenceKind = StriveNetwork.Domain.Indicators.GapReferenceKind;
using IndicatorRole = StriveNetwork.Domain.Indicators.IndicatorRole;
using Outcome = StriveNetwork.Domain.Indicators.Outcome;
using Polarity = StriveNetwork.Domain.Indicators.Polarity;
using TrendDirection = StriveNetwork.Domain.Indicators.TrendDirection;
using TrendMethod = StriveNetwork.Domain.Indicators.TrendMethod;

namespace StriveNetwork.Gateway.Mapping;

/// <summary>
/// Enum conversions between strive.v1 and the grain/domain records, by member name. Proto enums carry an UNSPECIFIED
/// zero; the record enums do not, so every proto-to-record conversion of a required value rejects UNSPECIFIED by field
/// name.
/// </summary>
public static class EnumMap
{
    private static readonly string[] PillarIds = ["SCV", "EBDM", "CA", "IS"];
    private static readonly string[] GenderCodes = ["all", "female", "male"];
    private static readonly string[] PopulationCodes =
        ["all", "aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race", "low-income", "ell"];

    public static V1.GatewayStage ToProto(DomainStage stage) => ByName<DomainStage, V1.GatewayStage>(stage);

    public static V1.CriterionKind ToProto(StriveNetwork.Domain.Frameworks.CriterionKind kind) =>
        StriveNetwork.Domain.DomainEnum.Convert<StriveNetwork.Domain.Frameworks.CriterionKind, V1.CriterionKind>(kind);

    public static StriveNetwork.Domain.Frameworks.CriterionKind ToDomain(V1.CriterionKind kind) =>
        StriveNetwork.Domain.DomainEnum.Convert<V1.CriterionKind, StriveNetwork.Domain.Frameworks.CriterionKind>(kind);

    public static V1.DesignationEventKind ToProto(StriveNetwork.Domain.Progress.DesignationEventKind kind) =>
        StriveNetwork.Domain.DomainEnum.Convert<StriveNetwork.Domain.Progress.DesignationEventKind, V1.DesignationEventKind>(kind);

    public static StriveNetwork.Domain.Progress.DesignationEventKind ToDomain(V1.DesignationEventKind kind) =>
        StriveNetwork.Domain.DomainEnum.Convert<V1.DesignationEventKind, StriveNetwork.Domain.Progress.DesignationEventKind>(kind);

    public static V1.ReevaluationTrigger ToProto(ReevaluationTrigger trigger) =>
        StriveNetwork.Domain.DomainEnum.Convert<ReevaluationTrigger, V1.ReevaluationTrigger>(trigger);

    public static ReevaluationTrigger ToDomain(V1.ReevaluationTrigger trigger) =>
        StriveNetwork.Domain.DomainEnum.Convert<V1.ReevaluationTrigger, ReevaluationTrigger>(trigger);

    public static DomainStage? ToDomainOrNull(V1.GatewayStage stage) =>
        stage == V1.GatewayStage.Unspecified ? null : Defined<V1.GatewayStage, DomainStage>(stage, "gateway");

    public static V1.BenchmarkStatus ToProto(DomainStatus status) => ByName<DomainStatus, V1.BenchmarkStatus>(status);

    public static DomainStatus ToDomain(V1.BenchmarkStatus status, string field) => status == V1.BenchmarkStatus.Unspecified
        ? throw Invalid(field, "must not be BENCHMARK_STATUS_UNSPECIFIED")
        : Defined<V1.BenchmarkStatus, DomainStatus>(status, field);

    public static V1.Designation ToProto(Designation designation) => ByName<Designation, V1.Designation>(designation);

    public static Designation? ToDomainOrNull(V1.Designation designation) =>
        designation == V1.Designation.Unspecified ? null : Defined<V1.Designation, Designation>(designation, "designation");

    public static V1.Outcome ToProto(Outcome outcome) => ByName<Outcome, V1.Outcome>(outcome);

    public static Outcome ToDomain(V1.Outcome outcome, string field) => outcome == V1.Outcome.Unspecified
        ? throw Invalid(field, "must not be OUTCOME_UNSPECIFIED")
        : Defined<V1.Outcome, Outcome>(outcome, field);

    public static V1.IndicatorKind ToProto(IndicatorRole kind) => ByName<IndicatorRole, V1.IndicatorKind>(kind);

    public static IndicatorRole ToDomain(V1.IndicatorKind kind, string field) => kind == V1.IndicatorKind.Unspecified
        ? throw Invalid(field, "must not be INDICATOR_KIND_UNSPECIFIED")
        : Defined<V1.IndicatorKind, IndicatorRole>(kind, field);

    public static V1.Polarity ToProto(Polarity polarity) => ByName<Polarity, V1.Polarity>(polarity);

    public static Polarity ToDomain(V1.Polarity polarity, string field) => polarity == V1.Polarity.Unspecified
        ? throw Invalid(field, "must not be POLARITY_UNSPECIFIED")
        : Defined<V1.Polarity, Polarity>(polarity, field);

    public static V1.TrendDirection ToProto(TrendDirection direction) =>
        ByName<TrendDirection, V1.TrendDirection>(direction);

    public static V1.GapChange ToProto(GapChange change) =>
        ByName<GapChange, V1.GapChange>(change);

    public static V1.GapReferenceRule ToProto(GapReferenceKind kind) => ByName<GapReferenceKind, V1.GapReferenceRule>(kind);

    public static GapReferenceKind ToDomain(V1.GapReferenceRule rule, string field) => rule == V1.GapReferenceRule.Unspecified
        ? throw Invalid(field, "must not be GAP_REFERENCE_RULE_UNSPECIFIED")
        : Defined<V1.GapReferenceRule, GapReferenceKind>(rule, field);

    public static V1.TrendMethod ToProto(TrendMethod method) =>
        method == TrendMethod.None ? V1.TrendMethod.NotEvaluated : ByName<TrendMethod, V1.TrendMethod>(method);

    public static V1.Sector ToProto(Sector sector) => ByName<Sector, V1.Sector>(sector);

    public static Sector ToDomain(V1.Sector sector, string field) => sector == V1.Sector.Unspecified
        ? throw Invalid(field, "must not be SECTOR_UNSPECIFIED")
        : Defined<V1.Sector, Sector>(sector, field);

    public static V1.StaffRole ToProto(StaffRole role) => ByName<StaffRole, V1.StaffRole>(role);

    public static StaffRole ToDomain(V1.StaffRole role, string field) => role == V1.StaffRole.Unspecified
        ? throw Invalid(field, "must not be STAFF_ROLE_UNSPECIFIED")
        : Defined<V1.StaffRole, StaffRole>(role, field);

    public static V1.GeographicScopeLevel ToProto(GeographicScopeLevel level) => ByName<GeographicScopeLevel, V1.GeographicScopeLevel>(level);

    public static GeographicScopeLevel ToDomain(V1.GeographicScopeLevel level, string field) => level == V1.GeographicScopeLevel.Unspecified
        ? throw Invalid(field, "must not be GEOGRAPHIC_SCOPE_LEVEL_UNSPECIFIED")
        : Defined<V1.GeographicScopeLevel, GeographicScopeLevel>(level, field);

    public static V1.Role ToProto(TokenRole role) => ByName<TokenRole, V1.Role>(role);

    public static TokenRole? ToDomainOrNull(V1.Role role) =>
        role == V1.Role.Unspecified ? null : Defined<V1.Role, TokenRole>(role, "role");

    public static V1.ObservationErrorCode ToProto(ObservationErrorCode code) => ByName<ObservationErrorCode, V1.ObservationErrorCode>(code);

    public static V1.DefineIndicatorResult ToProto(DefineResult result) => ByName<DefineResult, V1.DefineIndicatorResult>(result);

    public static V1.Pillar PillarToProto(string pillarId)
    {
        var index = Array.IndexOf(PillarIds, pillarId);
        return index < 0 ? V1.Pillar.Unspecified : (V1.Pillar)(index + 1);
    }

    /// <summary>Taxonomy gender code ("" for UNSPECIFIED or an unknown value: the grain reports UNKNOWN_GROUP).</summary>
    public static string GenderCode(V1.Gender gender) =>
        (int)gender is >= 1 and <= 3 ? GenderCodes[(int)gender - 1] : string.Empty;

    /// <summary>Taxonomy population code ("" for UNSPECIFIED or an unknown value).</summary>
    public static string PopulationCode(V1.Population population) =>
        (int)population is >= 1 and <= 12 ? PopulationCodes[(int)population - 1] : string.Empty;

    public static V1.Gender GenderToProto(string? code)
    {
        var index = Array.IndexOf(GenderCodes, code);
        return index < 0 ? V1.Gender.Unspecified : (V1.Gender)(index + 1);
    }

    public static V1.Population PopulationToProto(string? code)
    {
        var index = Array.IndexOf(PopulationCodes, code);
        return index < 0 ? V1.Population.Unspecified : (V1.Population)(index + 1);
    }

    /// <summary>An INVALID_ARGUMENT naming the field.</summary>
    public static RpcException Invalid(string field, string problem) => GatewayErrors.Invalid(field, problem);

    // Every enum crosses the wire by member name (the proto member GATEWAY_STAGE_SYSTEMS_CHANGE is the C# member
    // SystemsChange on both sides), never by number: a renumbered or reordered member cannot be read as another one.
    // Round trips of every member: EnumMapTests.
    private static TWire ByName<TDomain, TWire>(TDomain value)
        where TDomain : struct, Enum
        where TWire : struct, Enum =>
        StriveNetwork.Domain.DomainEnum.Convert<TDomain, TWire>(value);

    private static TDomain Defined<TWire, TDomain>(TWire value, string field)
        where TWire : struct, Enum
        where TDomain : struct, Enum =>
        StriveNetwork.Domain.DomainEnum.TryParse<TDomain>(Enum.IsDefined(value) ? value.ToString() : null, out var result)
            ? result
            : throw Invalid(field, $"unknown value {Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture)}");
}
