using System.Collections.Frozen;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// Which roles may call each strive.v1 method (the "Roles:" lines of the protos). Scope (own partnership, member
/// cohort) is checked by the service once the request is read; this table decides by role alone.
/// </summary>
public static class AccessPolicy
{
    private static readonly TokenRole[] Everyone = [TokenRole.NetworkAdmin, TokenRole.NetworkViewer, TokenRole.Partnership];
    private static readonly TokenRole[] AdminOnly = [TokenRole.NetworkAdmin];
    private static readonly TokenRole[] Staff = [TokenRole.NetworkAdmin, TokenRole.NetworkViewer];
    private static readonly TokenRole[] Writers = [TokenRole.NetworkAdmin, TokenRole.Partnership];

    /// <summary>Allowed roles by full method path (<c>/strive.v1.Service/Method</c>).</summary>
    public static FrozenDictionary<string, TokenRole[]> Methods { get; } = new Dictionary<string, TokenRole[]>
    {
        ["/strive.v1.AdminService/IssueToken"] = AdminOnly,
        ["/strive.v1.AdminService/ListTokens"] = AdminOnly,
        ["/strive.v1.AdminService/RevokeToken"] = AdminOnly,
        ["/strive.v1.AdminService/RecomputeNetworkRollup"] = AdminOnly,
        ["/strive.v1.CohortService/CreateCohort"] = AdminOnly,
        ["/strive.v1.CohortService/AddMember"] = AdminOnly,
        ["/strive.v1.CohortService/RemoveMember"] = AdminOnly,
        ["/strive.v1.CohortService/CompareBenchmarks"] = Everyone,
        ["/strive.v1.CohortService/GetCohortRollup"] = Everyone,
        ["/strive.v1.FrameworkService/ListFrameworks"] = Everyone,
        ["/strive.v1.FrameworkService/GetFramework"] = Everyone,
        ["/strive.v1.IndicatorService/DefineIndicator"] = Writers,
        ["/strive.v1.IndicatorService/SubmitObservations"] = Writers,
        ["/strive.v1.IndicatorService/UploadObservations"] = Writers,
        ["/strive.v1.IndicatorService/GetIndicator"] = Everyone,
        ["/strive.v1.NetworkService/GetNetworkRollup"] = Everyone,
        ["/strive.v1.NetworkService/WatchNetworkRollup"] = Everyone,
        ["/strive.v1.NetworkService/ListPartnerships"] = Staff,
        ["/strive.v1.PartnershipService/RegisterPartnership"] = AdminOnly,
        ["/strive.v1.PartnershipService/GetPartnership"] = Everyone,
        ["/strive.v1.PartnershipService/UpdatePartnershipProfile"] = Writers,
        ["/strive.v1.PartnershipService/RecordAssessment"] = Writers,
        ["/strive.v1.PartnershipService/GetProgress"] = Everyone,
        ["/strive.v1.PartnershipService/GetReportCard"] = Everyone,
        ["/strive.v1.PartnershipService/ReevaluateDesignations"] = AdminOnly,
        ["/strive.v1.PartnershipService/GetPartnershipSettings"] = Everyone,
        ["/strive.v1.PartnershipService/UpdatePartnershipSettings"] = AdminOnly,
    }.ToFrozenDictionary(StringComparer.Ordinal);

    /// <summary>Whether the path is served without a token (health checks and reflection).</summary>
    public static bool IsPublic(string method) =>
        method.StartsWith("/grpc.health.v1.", StringComparison.Ordinal)
        || method.StartsWith("/grpc.reflection.", StringComparison.Ordinal);

    /// <summary>The proto name of a role, as used in messages.</summary>
    public static string Name(TokenRole role) => role switch
    {
        TokenRole.NetworkAdmin => "NETWORK_ADMIN",
        TokenRole.NetworkViewer => "NETWORK_VIEWER",
        TokenRole.Partnership => "PARTNERSHIP",
        _ => role.ToString(),
    };
}
