using Google.Protobuf;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Tests;

/// <summary>A gateway whose silo can hold a grain call's reply after the call committed (<see cref="ReplyHold"/>).</summary>
public sealed class HeldReplyFixture : IAsyncLifetime
{
    public ReplyHold Hold { get; } = new();

    public GatewayFixture Gateway { get; private set; } = null!;

    public async Task InitializeAsync() => Gateway = await GatewayFixture.StartWithAsync(silo => silo.AddIncomingGrainCallFilter(Hold));

    public Task DisposeAsync() => Gateway.DisposeAsync();
}

/// <summary>
/// Metadata <c>strive-request-id</c> on the 14 writes: checked at the edge; a retry with the same id answers the first
/// response and writes nothing, also when the first call's answer never reached the client; the same id for another
/// request or from another caller is FAILED_PRECONDITION.
/// </summary>
public sealed class RequestIdTests(HeldReplyFixture fixture) : IClassFixture<HeldReplyFixture>
{
    private const string Key = "strive-request-id";

    private GatewayFixture F => fixture.Gateway;

    /// <summary>The 14 writes, each with a request that may be invalid: the id is checked before anything else.</summary>
    public static TheoryData<string> Writes() =>
    [
        "AdminService/IssueToken", "AdminService/RevokeToken", "AdminService/RecomputeNetworkRollup",
        "CohortService/CreateCohort", "CohortService/AddMember", "CohortService/RemoveMember",
        "IndicatorService/DefineIndicator", "IndicatorService/SubmitObservations", "IndicatorService/UploadObservations",
        "PartnershipService/RegisterPartnership", "PartnershipService/UpdatePartnershipProfile", "PartnershipService/RecordAssessment",
        "PartnershipService/ReevaluateDesignations", "PartnershipService/UpdatePartnershipSettings",
    ];

    [Theory]
    [MemberData(nameof(Writes))]
    public async Task AMalformedId_IsInvalidArgument_OnEveryWrite_AndIsNeverQuoted(string method)
    {
        foreach (var bad in new[] { "not an id", new string('x', 65), "id/7", "id\t", "id,2", "id\"" })
        {
            var (code, message) = await StatusAsync(method, Headers(bad));
            Assert.True(code == StatusCode.InvalidArgument, $"{method} with '{bad}': {code} {message}");
            Assert.StartsWith("strive-request-id: is not a valid request id (1 to 64 characters", message, StringComparison.Ordinal);
            Assert.DoesNotContain(bad, message, StringComparison.Ordinal);
        }

        // Sent twice: refused too (Kestrel joins the values into one, which the rule refuses).
        var twice = Headers("a-1");
        twice.Add(Key, "a-2");
        var (twiceCode, twiceMessage) = await StatusAsync(method, twice);
        Assert.Equal(StatusCode.InvalidArgument, twiceCode);
        Assert.StartsWith("strive-request-id: ", twiceMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PartnershipWrites_RetriedWithTheirId_AnswerTheFirstResponse()
    {
        var id = NewPartnershipId();
        var registered = await TwiceAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(
            "PartnershipService/RegisterPartnership", new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        Assert.Equal("r1", registered.Partnership.Etag);

        var renamed = GatewayFixture.Profile("toa-6g");
        renamed.DisplayName = "Renamed";
        var updated = await TwiceAsync<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(
            "PartnershipService/UpdatePartnershipProfile",
            new() { PartnershipId = id, Profile = renamed, UpdateMask = new() { Paths = { "display_name" } }, Etag = "r1" });
        Assert.Equal("r2", updated.Partnership.Etag);

        var recorded = await TwiceAsync<RecordAssessmentRequest, RecordAssessmentResponse>("PartnershipService/RecordAssessment", Assessment(id));
        Assert.Equal(new RecordAssessmentResponse { RecordedCount = 1, Etag = "r3" }, recorded);

        await TwiceAsync<ReevaluateDesignationsRequest, ReevaluateDesignationsResponse>("PartnershipService/ReevaluateDesignations", new() { PartnershipId = id });

        var settings = await F.Channel.CallAsync<GetPartnershipSettingsRequest, GetPartnershipSettingsResponse>(F.Admin, "PartnershipService/GetPartnershipSettings", new() { PartnershipId = id });
        settings.Settings.MinimumN = 12;
        var changed = await TwiceAsync<UpdatePartnershipSettingsRequest, UpdatePartnershipSettingsResponse>(
            "PartnershipService/UpdatePartnershipSettings", new() { PartnershipId = id, Settings = settings.Settings, Etag = settings.Etag });
        Assert.Single(changed.Changes);

        // Each write happened once: the etag moved once per write.
        var now = await F.Channel.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(F.Admin, "PartnershipService/GetPartnership", new() { PartnershipId = id });
        Assert.Equal("r3", now.Partnership.Etag);
    }

    [Fact]
    public async Task IndicatorAndCohortWrites_RetriedWithTheirId_AnswerTheFirstResponse()
    {
        var id = await RegisteredAsync();
        var defined = await TwiceAsync<DefineIndicatorRequest, DefineIndicatorResponse>(
            "IndicatorService/DefineIndicator", new() { PartnershipId = id, IndicatorId = "reading", Definition = GatewayFixture.Definition(2021) });
        Assert.Equal(DefineIndicatorResult.Created, defined.Result); // a retry without the id answers UNCHANGED

        var observations = new SubmitObservationsRequest { PartnershipId = id, IndicatorId = "reading" };
        observations.Observations.Add(GatewayFixture.Observation(2021, Gender.All, Population.AllStudents, 40, 100));
        var submitted = await TwiceAsync<SubmitObservationsRequest, SubmitObservationsResponse>("IndicatorService/SubmitObservations", observations);
        Assert.Equal((1, 0), (submitted.AcceptedCount, submitted.ReplacedCount)); // without the id: 1 replaced

        var cohort = "c-" + id;
        await TwiceAsync<CreateCohortRequest, CreateCohortResponse>("CohortService/CreateCohort", new() { CohortId = cohort, DisplayName = "Readers" });
        Assert.True((await TwiceAsync<AddMemberRequest, AddMemberResponse>("CohortService/AddMember", new() { CohortId = cohort, PartnershipId = id })).Changed);
        Assert.True((await TwiceAsync<RemoveMemberRequest, RemoveMemberResponse>("CohortService/RemoveMember", new() { CohortId = cohort, PartnershipId = id })).Changed);
    }

    [Fact]
    public async Task AdminWrites_RetriedWithTheirId_AnswerTheFirstResponse_AndAReissueNamesTheFirstToken()
    {
        var headers = Headers(NewId());
        var description = "dashboard " + Guid.NewGuid().ToString("N")[..8];
        var issue = new IssueTokenRequest { Role = Role.NetworkViewer, Description = description };
        var issued = await F.Channel.CallAsync<IssueTokenRequest, IssueTokenResponse>(F.Admin, "AdminService/IssueToken", issue, headers);
        var (code, message) = await F.Channel.StatusOfAsync<IssueTokenRequest, IssueTokenResponse>(F.Admin, "AdminService/IssueToken", issue, headers);
        Assert.Equal(StatusCode.AlreadyExists, code);
        Assert.Contains(issued.Token.TokenId, message, StringComparison.Ordinal);
        var tokens = await F.Channel.CallAsync<ListTokensRequest, ListTokensResponse>(F.Admin, "AdminService/ListTokens", new() { PageSize = 500 });
        Assert.Single(tokens.Tokens, t => t.Description == description);

        var revoked = await TwiceAsync<RevokeTokenRequest, RevokeTokenResponse>("AdminService/RevokeToken", new() { TokenId = issued.Token.TokenId, Reason = "rotated" });
        Assert.NotNull(revoked.Token.RevokeTime);

        var recomputeHeaders = Headers(NewId());
        var first = await F.Channel.CallAsync<RecomputeNetworkRollupRequest, RecomputeNetworkRollupResponse>(F.Admin, "AdminService/RecomputeNetworkRollup", new() { Apply = true }, recomputeHeaders);
        var again = await F.Channel.CallAsync<RecomputeNetworkRollupRequest, RecomputeNetworkRollupResponse>(F.Admin, "AdminService/RecomputeNetworkRollup", new() { Apply = true }, recomputeHeaders);
        Assert.Equal((first.Consistent, first.Applied, first.PartnershipCount), (again.Consistent, again.Applied, again.PartnershipCount));
        Assert.Equal(first.Differences, again.Differences);
    }

    [Fact]
    public async Task TheSameIdForAnotherBody_OrFromAnotherCaller_IsFailedPrecondition()
    {
        var id = await RegisteredAsync();
        var partnershipToken = await F.PartnershipTokenAsync(id);
        var requestId = NewId();
        await F.Channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(F.Admin, "PartnershipService/RecordAssessment", Assessment(id), Headers(requestId));

        var otherBody = Assessment(id);
        otherBody.Assessments[0].Status = BenchmarkStatus.InProgress;
        foreach (var (token, request) in new[] { (F.Admin, otherBody), (partnershipToken, Assessment(id)) })
        {
            var (code, message) = await F.Channel.StatusOfAsync<RecordAssessmentRequest, RecordAssessmentResponse>(token, "PartnershipService/RecordAssessment", request, Headers(requestId));
            Assert.Equal(StatusCode.FailedPrecondition, code);
            Assert.StartsWith("strive-request-id: this id was already used for a different request", message, StringComparison.Ordinal);
            Assert.DoesNotContain(requestId, message, StringComparison.Ordinal);
        }

        var now = await F.Channel.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(F.Admin, "PartnershipService/GetPartnership", new() { PartnershipId = id });
        Assert.Equal("r2", now.Partnership.Etag);
    }

    [Fact]
    public async Task WithoutAnId_ARetryIsASecondWrite()
    {
        var id = await RegisteredAsync();
        await F.Channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(F.Admin, "PartnershipService/RecordAssessment", Assessment(id));
        var second = await F.Channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(F.Admin, "PartnershipService/RecordAssessment", Assessment(id));
        Assert.Equal("r3", second.Etag);
    }

    [Fact]
    public async Task ARecordAssessmentThatTimedOutAfterItCommitted_IsAppliedOnce_WhenRetriedWithItsId()
    {
        var id = await RegisteredAsync();
        var headers = Headers(NewId());
        var request = Assessment(id);

        // The grain stores the assessment, then its reply is held: the client's deadline passes first.
        var hold = fixture.Hold.Arm(nameof(IPartnershipGrain.RecordAssessmentAsync));
        var options = StriveCalls.Options(F.Admin);
        options.Headers!.Add(headers[0]);
        options = options.WithDeadline(DateTime.UtcNow.AddSeconds(2));
        using (var call = F.Channel.CreateCallInvoker().AsyncUnaryCall(
            StriveCalls.Method<RecordAssessmentRequest, RecordAssessmentResponse>(MethodType.Unary, "PartnershipService/RecordAssessment"), null, options, request))
        {
            var timedOut = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
            Assert.Equal(StatusCode.DeadlineExceeded, timedOut.StatusCode);
        }

        await hold.Ran.Task.WaitAsync(StriveCalls.Timeout);
        hold.Release();
        Assert.Equal(2, (await StoredAsync(id)).Revision); // it did commit

        // The client retries with the same id: the first receipt, and nothing written again.
        var retried = await F.Channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(F.Admin, "PartnershipService/RecordAssessment", request, headers);
        Assert.Equal(new RecordAssessmentResponse { RecordedCount = 1, Etag = "r2" }, retried);
        var stored = await StoredAsync(id);
        Assert.Equal(2, stored.Revision);
        Assert.Equal(GatewayFixture.Benchmark, Assert.Single(stored.Assessments).BenchmarkId);
    }

    private async Task<(StatusCode Code, string Message)> StatusAsync(string method, Metadata headers)
    {
        if (method == "IndicatorService/UploadObservations")
        {
            var (code, message, _) = await F.UploadWithAsync(F.Admin, headers, [new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "alpha" } }]);
            return (code, message);
        }

        // Empty requests: the id is the first thing a write checks.
        return method switch
        {
            "AdminService/IssueToken" => await Status<IssueTokenRequest, IssueTokenResponse>(),
            "AdminService/RevokeToken" => await Status<RevokeTokenRequest, RevokeTokenResponse>(),
            "AdminService/RecomputeNetworkRollup" => await Status<RecomputeNetworkRollupRequest, RecomputeNetworkRollupResponse>(),
            "CohortService/CreateCohort" => await Status<CreateCohortRequest, CreateCohortResponse>(),
            "CohortService/AddMember" => await Status<AddMemberRequest, AddMemberResponse>(),
            "CohortService/RemoveMember" => await Status<RemoveMemberRequest, RemoveMemberResponse>(),
            "IndicatorService/DefineIndicator" => await Status<DefineIndicatorRequest, DefineIndicatorResponse>(),
            "IndicatorService/SubmitObservations" => await Status<SubmitObservationsRequest, SubmitObservationsResponse>(),
            "PartnershipService/RegisterPartnership" => await Status<RegisterPartnershipRequest, RegisterPartnershipResponse>(),
            "PartnershipService/UpdatePartnershipProfile" => await Status<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(),
            "PartnershipService/RecordAssessment" => await Status<RecordAssessmentRequest, RecordAssessmentResponse>(),
            "PartnershipService/ReevaluateDesignations" => await Status<ReevaluateDesignationsRequest, ReevaluateDesignationsResponse>(),
            "PartnershipService/UpdatePartnershipSettings" => await Status<UpdatePartnershipSettingsRequest, UpdatePartnershipSettingsResponse>(),
            _ => throw new ArgumentOutOfRangeException(nameof(method), method, "not a write"),
        };

        Task<(StatusCode, string)> Status<TRequest, TResponse>()
            where TRequest : class, IMessage<TRequest>, new()
            where TResponse : class, IMessage<TResponse>, new() =>
            F.Channel.StatusOfAsync<TRequest, TResponse>(F.Admin, method, new TRequest(), headers);
    }

    /// <summary>Calls <paramref name="method"/> twice with one new request id; both answers must be equal.</summary>
    private async Task<TResponse> TwiceAsync<TRequest, TResponse>(string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var headers = Headers(NewId());
        var first = await F.Channel.CallAsync<TRequest, TResponse>(F.Admin, method, request, headers);
        var again = await F.Channel.CallAsync<TRequest, TResponse>(F.Admin, method, request, headers);
        Assert.Equal(first, again);
        return first;
    }

    private async Task<string> RegisteredAsync()
    {
        var id = NewPartnershipId();
        await F.Channel.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(F.Admin, "PartnershipService/RegisterPartnership",
            new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        return id;
    }

    private async Task<PartnershipState> StoredAsync(string partnershipId)
    {
        var storage = F.Services.GetRequiredKeyedService<IGrainStorage>("Default");
        var state = new GrainState<PartnershipState>();
        await storage.ReadStateAsync("partnership", F.Grains.GetGrain<IPartnershipGrain>(partnershipId).GetGrainId(), state);
        return state.State!;
    }

    private static RecordAssessmentRequest Assessment(string partnershipId)
    {
        var request = new RecordAssessmentRequest { PartnershipId = partnershipId };
        request.Assessments.Add(GatewayFixture.Assessment(GatewayFixture.Benchmark, BenchmarkStatus.Met));
        return request;
    }

    private static Metadata Headers(string requestId) => new() { { Key, requestId } };

    private static string NewId() => Guid.NewGuid().ToString("D");

    private static string NewPartnershipId() => "p-" + Guid.NewGuid().ToString("N")[..20];
}
