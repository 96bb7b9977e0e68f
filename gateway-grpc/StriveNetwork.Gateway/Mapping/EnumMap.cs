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
/// Enum conversions between strive.v1 and the grain/domain records. Proto enums carry an UNSPECIFIED zero; the
/// record enums do not, so every proto-to-record conversion of a required value rejects UNSPECIFIED by field name.
/// </summary>
public static class EnumMap
{
    private static readonly string[] PillarIds = ["SCV", "EBDM", "CA", "IS"];
    private static readonly string[] GenderCodes = ["all", "female", "male"];
    private static readonly string[] PopulationCodes =
        ["all", "aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race", "low-income", "ell"];

    public static V1.GatewayStage ToProto(DomainStage stage) => (V1.GatewayStage)(int)stage;

    // Enums added with the designation ledger map by name (StriveNetwork.Domain.DomainEnum): a renumbering on
    // either side cannot silently change their meaning. Round trips: EnumMapTests.
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
        stage == V1.GatewayStage.Unspecified ? null : Defined<DomainStage>((int)stage, "gateway");

    public static V1.BenchmarkStatus ToProto(DomainStatus status) => (V1.BenchmarkStatus)((int)status + 1);

    public static DomainStatus ToDomain(V1.BenchmarkStatus status, string field) => status == V1.BenchmarkStatus.Unspecified
        ? throw Invalid(field, "must not be BENCHMARK_STATUS_UNSPECIFIED")
        : Defined<DomainStatus>((int)status - 1, field);

    public static V1.Designation ToProto(Designation designation) => (V1.Designation)(int)designation;

    public static Designation? ToDomainOrNull(V1.Designation designation) =>
        designation == V1.Designation.Unspecified ? null : Defined<Designation>((int)designation, "designation");

    public static V1.Outcome ToProto(Outcome outcome) => (V1.Outcome)(int)outcome;

    public static Outcome ToDomain(V1.Outcome outcome, string field) => outcome == V1.Outcome.Unspecified
        ? throw Invalid(field, "must not be OUTCOME_UNSPECIFIED")
        : Defined<Outcome>((int)outcome, field);

    public static V1.IndicatorKind ToProto(IndicatorRole kind) => (V1.IndicatorKind)(int)kind;

    public static IndicatorRole ToDomain(V1.IndicatorKind kind, string field) => kind == V1.IndicatorKind.Unspecified
        ? throw Invalid(field, "must not be INDICATOR_KIND_UNSPECIFIED")
        : Defined<IndicatorRole>((int)kind, field);

    public static V1.Polarity ToProto(Polarity polarity) => (V1.Polarity)(int)polarity;

    public static Polarity ToDomain(V1.Polarity polarity, string field) => polarity == V1.Polarity.Unspecified
        ? throw Invalid(field, "must not be POLARITY_UNSPECIFIED")
        : Defined<Polarity>((int)polarity, field);

    public static V1.TrendDirection ToProto(TrendDirection direction) =>
        direction == TrendDirection.InsufficientData ? V1.TrendDirection.InsufficientData : (V1.TrendDirection)(int)direction;

    public static V1.GapChange ToProto(GapChange change) =>
        change == GapChange.InsufficientData ? V1.GapChange.InsufficientData : (V1.GapChange)(int)change;

    public static V1.GapReferenceRule ToProto(GapReferenceKind kind) => (V1.GapReferenceRule)(int)kind;

    public static GapReferenceKind ToDomain(V1.GapReferenceRule rule, string field) => rule == V1.GapReferenceRule.Unspecified
        ? throw Invalid(field, "must not be GAP_REFERENCE_RULE_UNSPECIFIED")
        : Defined<GapReferenceKind>((int)rule, field);

    public static V1.TrendMethod ToProto(TrendMethod method) =>
        method == TrendMethod.None ? V1.TrendMethod.NotEvaluated : (V1.TrendMethod)(int)method;

    public static V1.Sector ToProto(Sector sector) => (V1.Sector)(int)sector;

    public static Sector ToDomain(V1.Sector sector, string field) => sector == V1.Sector.Unspecified
        ? throw Invalid(field, "must not be SECTOR_UNSPECIFIED")
        : Defined<Sector>((int)sector, field);

    public static V1.StaffRole ToProto(StaffRole role) => (V1.StaffRole)(int)role;

    public static StaffRole ToDomain(V1.StaffRole role, string field) => role == V1.StaffRole.Unspecified
        ? throw Invalid(field, "must not be STAFF_ROLE_UNSPECIFIED")
        : Defined<StaffRole>((int)role, field);

    public static V1.GeographicScopeLevel ToProto(GeographicScopeLevel level) => (V1.GeographicScopeLevel)(int)level;

    public static GeographicScopeLevel ToDomain(V1.GeographicScopeLevel level, string field) => level == V1.GeographicScopeLevel.Unspecified
        ? throw Invalid(field, "must not be GEOGRAPHIC_SCOPE_LEVEL_UNSPECIFIED")
        : Defined<GeographicScopeLevel>((int)level, field);

    public static V1.Role ToProto(TokenRole role) => (V1.Role)(int)role;

    public static TokenRole? ToDomainOrNull(V1.Role role) =>
        role == V1.Role.Unspecified ? null : Defined<TokenRole>((int)role, "role");

    public static V1.ObservationErrorCode ToProto(ObservationErrorCode code) => (V1.ObservationErrorCode)(int)code;

    public static V1.DefineIndicatorResult ToProto(DefineResult result) => (V1.DefineIndicatorResult)(int)result;

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

    private static T Defined<T>(int value, string field)
        where T : struct, Enum
    {
        var result = (T)Enum.ToObject(typeof(T), value);
        return Enum.IsDefined(result) ? result : throw Invalid(field, $"unknown value {value}");
    }
}
