using Google.Protobuf;
using Grpc.Core;
using Grpc.Health.V1;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.V1;
using TokenRole = StriveNetwork.Grains.Abstractions.TokenRole;

namespace StriveNetwork.Gateway.Tests;

/// <summary>Every role against every strive.v1 RPC: who is turned away and with which status.</summary>
public sealed class AccessControlTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private enum Caller
    {
        Admin,
        Viewer,
        PartnershipOwn,
        PartnershipOther,
        NoToken,
        RevokedToken,
    }

    /// <summary>One RPC of the matrix. <paramref name="AllowedReturnsOk"/>: an allowed caller gets OK (not just "not an auth error").</summary>
    private sealed record Rpc(string Method, Func<GatewayFixture, string?, string, Task<(StatusCode Code, string Message)>> Call, Caller[] Allowed, bool AllowedReturnsOk);

    private static Rpc Unary<TReq, TResp>(string method, Func<string, TReq> request, params Caller[] allowed)
        where TReq : class, IMessage<TReq>
        where TResp : class, IMessage<TResp>, new() =>
        new(method, (f, token, partnership) => f.StatusOfAsync<TReq, TResp>(token, method, request(partnership)), allowed, AllowedReturnsOk: false);

    private static Rpc Read<TReq, TResp>(string method, Func<string, TReq> request, params Caller[] allowed)
        where TReq : class, IMessage<TReq>
        where TResp : class, IMessage<TResp>, new() =>
        Unary<TReq, TResp>(method, request, allowed) with { AllowedReturnsOk = true };

    // Cohort scope: "alpha" callers read the cohort alpha belongs to, "beta" callers the cohort only beta belongs to.
    private static string CohortOf(string partnership) => partnership == "alpha" ? GatewayFixture.AlphaCohort : GatewayFixture.BetaOnlyCohort;

    private static readonly Caller[] Everyone = [Caller.Admin, Caller.Viewer, Caller.PartnershipOwn, Caller.PartnershipOther];
    private static readonly Caller[] Readers = [Caller.Admin, Caller.Viewer, Caller.PartnershipOwn];
    private static readonly Caller[] Writers = [Caller.Admin, Caller.PartnershipOwn];

    // Writes are sent with a missing or invalid part (or, for uploads, rows of an unknown indicator), so an allowed
    // caller gets a validation answer and the matrix changes nothing stored.
    private static readonly Rpc[] Rpcs =
    [
        Read<GetPartnershipRequest, GetPartnershipResponse>("PartnershipService/GetPartnership", p => new() { PartnershipId = p }, Readers),
        Read<GetProgressRequest, GetProgressResponse>("PartnershipService/GetProgress", p => new() { PartnershipId = p }, Readers),
        Read<GetReportCardRequest, GetReportCardResponse>("PartnershipService/GetReportCard", p => new() { PartnershipId = p }, Readers),
        Unary<RecordAssessmentRequest, RecordAssessmentResponse>("PartnershipService/RecordAssessment", p => new() { PartnershipId = p }, Writers),
        Unary<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>("PartnershipService/UpdatePartnershipProfile", p => new() { PartnershipId = p }, Writers),
        Unary<RegisterPartnershipRequest, RegisterPartnershipResponse>("PartnershipService/RegisterPartnership", p => new() { PartnershipId = "x" }, Caller.Admin),
        Unary<ReevaluateDesignationsRequest, ReevaluateDesignationsResponse>("PartnershipService/ReevaluateDesignations", p => new() { PartnershipId = "x" }, Caller.Admin),
        Read<GetPartnershipSettingsRequest, GetPartnershipSettingsResponse>("PartnershipService/GetPartnershipSettings", p => new() { PartnershipId = p }, Readers),
        Unary<UpdatePartnershipSettingsRequest, UpdatePartnershipSettingsResponse>("PartnershipService/UpdatePartnershipSettings", p => new() { PartnershipId = "x" }, Caller.Admin),
        Unary<DefineIndicatorRequest, DefineIndicatorResponse>("IndicatorService/DefineIndicator", p => new() { PartnershipId = p, IndicatorId = "kr" }, Writers),
        Unary<SubmitObservationsRequest, SubmitObservationsResponse>("IndicatorService/SubmitObservations", p => new() { PartnershipId = p, IndicatorId = "kr" }, Writers),
        new("IndicatorService/UploadObservations", UploadToUnknownIndicatorAsync, Writers, AllowedReturnsOk: true),
        Read<GetIndicatorRequest, GetIndicatorResponse>("IndicatorService/GetIndicator", p => new() { PartnershipId = p, IndicatorId = GatewayFixture.AlphaIndicator }, Readers),
        Unary<CreateCohortRequest, CreateCohortResponse>("CohortService/CreateCohort", p => new() { CohortId = "" }, Caller.Admin),
        Unary<AddMemberRequest, AddMemberResponse>("CohortService/AddMember", p => new() { CohortId = "" }, Caller.Admin),
        Unary<RemoveMemberRequest, RemoveMemberResponse>("CohortService/RemoveMember", p => new() { CohortId = "" }, Caller.Admin),
        Read<CompareBenchmarksRequest, CompareBenchmarksResponse>("CohortService/CompareBenchmarks", p => new() { CohortId = CohortOf(p) }, Readers),
        Read<GetCohortRollupRequest, GetCohortRollupResponse>("CohortService/GetCohortRollup", p => new() { CohortId = CohortOf(p) }, Readers),
        Read<ListFrameworksRequest, ListFrameworksResponse>("FrameworkService/ListFrameworks", p => new(), Everyone),
        Read<GetFrameworkRequest, GetFrameworkResponse>("FrameworkService/GetFramework", p => new() { FrameworkId = "toa-6g" }, Everyone),
        Read<GetNetworkRollupRequest, GetNetworkRollupResponse>("NetworkService/GetNetworkRollup", p => new(), Everyone),
        new("NetworkService/WatchNetworkRollup", WatchAsync, Everyone, AllowedReturnsOk: true),
        Read<ListPartnershipsRequest, ListPartnershipsResponse>("NetworkService/ListPartnerships", p => new(), Caller.Admin, Caller.Viewer),
        Unary<IssueTokenRequest, IssueTokenResponse>("AdminService/IssueToken", p => new(), Caller.Admin),
        Read<ListTokensRequest, ListTokensResponse>("AdminService/ListTokens", p => new(), Caller.Admin),
        Unary<RevokeTokenRequest, RevokeTokenResponse>("AdminService/RevokeToken", p => new(), Caller.Admin),
        Read<RecomputeNetworkRollupRequest, RecomputeNetworkRollupResponse>("AdminService/RecomputeNetworkRollup", p => new(), Caller.Admin),
    ];

    private static async Task<(StatusCode Code, string Message)> UploadToUnknownIndicatorAsync(GatewayFixture f, string? token, string partnership)
    {
        var chunk = new UploadChunk();
        chunk.Rows.Add(new UploadRow { IndicatorId = "no-such-indicator", Observation = GatewayFixture.Observation(2022, Gender.All, Population.AllStudents, 1, 10) });
        var (code, message, response) = await f.UploadAsync(
            token,
            new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = partnership } },
            new UploadObservationsRequest { Chunk = chunk });
        if (response is not null && (response.AcceptedCount != 0 || response.RejectedCount != 1))
        {
            return (StatusCode.Internal, $"the unknown-indicator row was not rejected: {response}");
        }

        return (code, message);
    }

    private static async Task<(StatusCode Code, string Message)> WatchAsync(GatewayFixture f, string? token, string partnership)
    {
        var (code, message, _) = await f.WatchFirstAsync(token);
        return (code, message);
    }

    private static string FullName(Rpc rpc) => "/strive.v1." + rpc.Method;

    [Fact]
    public void Matrix_CoversExactlyTheMethodsOfTheAccessPolicyAndTheProtos()
    {
        var matrix = Rpcs.Select(FullName).Order(StringComparer.Ordinal).ToList();
        Assert.Equal(matrix.Count, matrix.Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(AccessPolicy.Methods.Keys.Order(StringComparer.Ordinal), matrix);

        // Every RPC the protos declare has a policy entry (and so a matrix row).
        var declared = new[]
            {
                AdminReflection.Descriptor, CohortReflection.Descriptor, FrameworkReflection.Descriptor,
                IndicatorReflection.Descriptor, NetworkReflection.Descriptor, PartnershipReflection.Descriptor,
            }
            .SelectMany(file => file.Services)
            .SelectMany(service => service.Methods.Select(m => $"/{service.FullName}/{m.Name}"))
            .Order(StringComparer.Ordinal);
        Assert.Equal(declared, matrix);
    }

    [Fact]
    public void Matrix_AgreesWithThePolicyRoles()
    {
        foreach (var rpc in Rpcs)
        {
            var roles = AccessPolicy.Methods[FullName(rpc)];
            Assert.True(rpc.Allowed.Contains(Caller.Admin) == roles.Contains(TokenRole.NetworkAdmin), $"{rpc.Method}: admin");
            Assert.True(rpc.Allowed.Contains(Caller.Viewer) == roles.Contains(TokenRole.NetworkViewer), $"{rpc.Method}: viewer");
            Assert.True(rpc.Allowed.Contains(Caller.PartnershipOwn) == roles.Contains(TokenRole.Partnership), $"{rpc.Method}: partnership");
        }
    }

    [Fact]
    public async Task EveryRoleOnEveryRpc_GetsTheRightAuthStatus()
    {
        var failures = new List<string>();
        foreach (var rpc in Rpcs)
        {
            foreach (var caller in Enum.GetValues<Caller>())
            {
                var (token, partnership) = caller switch
                {
                    Caller.Admin => (fixture.Admin, "alpha"),
                    Caller.Viewer => (fixture.Viewer, "alpha"),
                    Caller.PartnershipOwn => (fixture.PartnershipAlpha, "alpha"),
                    Caller.PartnershipOther => (fixture.PartnershipAlpha, "beta"),
                    Caller.NoToken => ((string?)null, "alpha"),
                    _ => (fixture.Revoked, "alpha"),
                };
                var (code, message) = await rpc.Call(fixture, token, partnership);
                var expected = caller switch
                {
                    Caller.NoToken or Caller.RevokedToken => StatusCode.Unauthenticated,
                    _ when !rpc.Allowed.Contains(caller) => StatusCode.PermissionDenied,
                    _ when rpc.AllowedReturnsOk => StatusCode.OK,
                    _ => (StatusCode?)null,
                };
                var ok = expected is null
                    ? code is not (StatusCode.OK or StatusCode.Unauthenticated or StatusCode.PermissionDenied or StatusCode.Unknown or StatusCode.Internal)
                    : code == expected;
                if (!ok)
                {
                    failures.Add($"{rpc.Method} as {caller}: got {code} '{message}', expected {(expected?.ToString() ?? "a validation status")}");
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join(Environment.NewLine, failures));
    }

    [Fact]
    public async Task PartnershipToken_ReadsItsCohortButNotAnother_NamingBoth()
    {
        var own = await fixture.StatusOfAsync<GetCohortRollupRequest, GetCohortRollupResponse>(fixture.PartnershipAlpha, "CohortService/GetCohortRollup", new() { CohortId = GatewayFixture.AlphaCohort });
        Assert.Equal(StatusCode.OK, own.Code);
        var (code, message) = await fixture.StatusOfAsync<CompareBenchmarksRequest, CompareBenchmarksResponse>(fixture.PartnershipAlpha, "CohortService/CompareBenchmarks", new() { CohortId = GatewayFixture.BetaOnlyCohort });
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Equal("this PARTNERSHIP token may read only cohorts that partnership 'alpha' belongs to, and it is not a member of 'beta-cohort'", message);

        // An unknown cohort looks the same to a partnership token (no probing), but is NOT_FOUND for staff.
        var unknown = await fixture.StatusOfAsync<GetCohortRollupRequest, GetCohortRollupResponse>(fixture.PartnershipAlpha, "CohortService/GetCohortRollup", new() { CohortId = "no-such-cohort" });
        Assert.Equal(StatusCode.PermissionDenied, unknown.Code);
        var staff = await fixture.StatusOfAsync<GetCohortRollupRequest, GetCohortRollupResponse>(fixture.Viewer, "CohortService/GetCohortRollup", new() { CohortId = "no-such-cohort" });
        Assert.Equal((StatusCode.NotFound, "Cohort 'no-such-cohort' does not exist."), staff);
    }

    [Fact]
    public async Task PartnershipToken_UploadingToAnotherPartnership_IsDeniedForTheWholeStream()
    {
        var (code, message, response) = await fixture.UploadAsync(
            fixture.PartnershipAlpha,
            new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "beta" } });
        Assert.Null(response);
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Equal("this PARTNERSHIP token may access only partnership 'alpha', not 'beta'", message);
    }

    [Fact]
    public async Task Viewer_WritingAnything_IsToldItIsReadOnly()
    {
        var (code, message) = await fixture.StatusOfAsync<SubmitObservationsRequest, SubmitObservationsResponse>(fixture.Viewer, "IndicatorService/SubmitObservations", new() { PartnershipId = "alpha", IndicatorId = "kr" });
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Equal("role NETWORK_VIEWER may not call strive.v1.IndicatorService/SubmitObservations; allowed roles: NETWORK_ADMIN, PARTNERSHIP", message);
    }

    [Fact]
    public async Task MissingToken_IsUnauthenticatedWithAClearMessage()
    {
        var (code, message) = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(null, "NetworkService/GetNetworkRollup", new());
        Assert.Equal(StatusCode.Unauthenticated, code);
        Assert.Equal("missing bearer token: send metadata 'authorization: Bearer <token>'", message);
    }

    [Fact]
    public async Task UnknownToken_IsUnauthenticated()
    {
        var (code, message) = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(
            Tokens.TokenSecrets.NewSecret(), "NetworkService/GetNetworkRollup", new());
        Assert.Equal(StatusCode.Unauthenticated, code);
        Assert.Equal("unknown bearer token", message);
    }

    [Fact]
    public async Task RevokedToken_NamesTheRevocation()
    {
        var (code, message) = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(fixture.Revoked, "NetworkService/GetNetworkRollup", new());
        Assert.Equal(StatusCode.Unauthenticated, code);
        Assert.Matches("^bearer token tok_\\S+ was revoked$", message);
    }

    [Fact]
    public async Task PartnershipToken_OnAnotherPartnership_NamesWhatIsAllowed()
    {
        var (code, message) = await fixture.StatusOfAsync<GetProgressRequest, GetProgressResponse>(fixture.PartnershipAlpha, "PartnershipService/GetProgress", new() { PartnershipId = "beta" });
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Equal("this PARTNERSHIP token may access only partnership 'alpha', not 'beta'", message);
    }

    [Fact]
    public async Task Viewer_OnAdminCall_ListsAllowedRoles()
    {
        var (code, message) = await fixture.StatusOfAsync<ListTokensRequest, ListTokensResponse>(fixture.Viewer, "AdminService/ListTokens", new());
        Assert.Equal(StatusCode.PermissionDenied, code);
        Assert.Equal("role NETWORK_VIEWER may not call strive.v1.AdminService/ListTokens; allowed roles: NETWORK_ADMIN", message);
    }

    [Fact]
    public async Task IssuedToken_WorksAndRevokingItStopsItAtOnce()
    {
        var issued = await fixture.CallAsync<IssueTokenRequest, IssueTokenResponse>(fixture.Admin, "AdminService/IssueToken", new()
        {
            Role = Role.NetworkViewer,
            Description = "short-lived viewer",
        });
        Assert.StartsWith("snt_", issued.Secret);
        Assert.Equal(47, issued.Secret.Length);
        var ok = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(issued.Secret, "NetworkService/GetNetworkRollup", new());
        Assert.Equal(StatusCode.OK, ok.Code);

        await fixture.CallAsync<RevokeTokenRequest, RevokeTokenResponse>(fixture.Admin, "AdminService/RevokeToken", new() { TokenId = issued.Token.TokenId, Reason = "test" });
        var after = await fixture.StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(issued.Secret, "NetworkService/GetNetworkRollup", new());
        Assert.Equal(StatusCode.Unauthenticated, after.Code);

        var listed = await fixture.CallAsync<ListTokensRequest, ListTokensResponse>(fixture.Admin, "AdminService/ListTokens", new() { IncludeInactive = true });
        Assert.DoesNotContain(listed.Tokens, t => t.ToString().Contains(issued.Secret, StringComparison.Ordinal));
        Assert.Contains(listed.Tokens, t => t.TokenId == issued.Token.TokenId && t.RevokeTime is not null);
    }

    [Fact]
    public async Task HealthAndReflection_NeedNoToken()
    {
        var health = await new Health.HealthClient(fixture.Channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + StriveCalls.Timeout);
        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, health.Status);

        using var reflection = new global::Grpc.Reflection.V1.ServerReflection.ServerReflectionClient(fixture.Channel)
            .ServerReflectionInfo(deadline: DateTime.UtcNow + StriveCalls.Timeout);
        await reflection.RequestStream.WriteAsync(new global::Grpc.Reflection.V1.ServerReflectionRequest { ListServices = "" });
        await reflection.RequestStream.CompleteAsync();
        Assert.True(await reflection.ResponseStream.MoveNext());
        Assert.NotEmpty(reflection.ResponseStream.Current.ListServicesResponse.Service);
    }
}
