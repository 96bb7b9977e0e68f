using Google.Protobuf.WellKnownTypes;
using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The limits and rules at the edge on the full gateway (real grains): identifiers and US states with a trailing
/// newline, a field over its documented length (after the token check), out-of-range timestamps, streaming calls
/// per token and an idle upload stream.
/// </summary>
public sealed class EdgeLimitsTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    [Theory]
    [InlineData("name\n")]
    [InlineData("ab\n")]
    public async Task IdWithATrailingNewline_IsInvalid_NamingTheField(string id)
    {
        var (code, message) = await fixture.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(
            fixture.Admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.StartsWith("partnership_id: is not a valid id", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UsStateWithATrailingNewline_IsInvalid_NamingTheField()
    {
        var profile = GatewayFixture.Profile("toa-6g");
        profile.UsState = "WI\n";
        var (code, message) = await fixture.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(
            fixture.Admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = "newline-state", Profile = profile });
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal("profile.us_state: must be a two-letter upper-case USPS code.", message);
    }

    [Theory]
    [InlineData("WI\n", StatusCode.InvalidArgument)]
    [InlineData("w\u0131", StatusCode.InvalidArgument)]
    [InlineData("Wisconsin", StatusCode.InvalidArgument)]
    [InlineData("oh", StatusCode.OK)]
    public async Task ListPartnerships_UsStateFilter_FollowsTheRule(string usState, StatusCode expected)
    {
        var (code, message) = await fixture.StatusOfAsync<ListPartnershipsRequest, ListPartnershipsResponse>(fixture.Admin, "NetworkService/ListPartnerships", new() { UsState = usState });
        Assert.Equal(expected, code);
        if (expected != StatusCode.OK)
        {
            Assert.Equal("us_state: must be a two-letter USPS code", message);
        }
    }

    [Fact]
    public async Task FieldOverItsLimit_IsInvalid_AfterTheTokenCheck_AndNeverEchoed()
    {
        var request = new UpdatePartnershipProfileRequest { PartnershipId = "alpha", Profile = new PartnershipProfile { DisplayName = new string('Z', 201) }, Etag = "r1" };
        request.UpdateMask = new FieldMask { Paths = { "display_name" } };

        Assert.Equal(StatusCode.Unauthenticated, (await fixture.StatusOfAsync<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(null, "PartnershipService/UpdatePartnershipProfile", request)).Code);
        var (code, message) = await fixture.StatusOfAsync<UpdatePartnershipProfileRequest, UpdatePartnershipProfileResponse>(fixture.Admin, "PartnershipService/UpdatePartnershipProfile", request);
        Assert.Equal((StatusCode.InvalidArgument, "profile.display_name: at most 200 characters"), (code, message));
    }

    [Fact]
    public async Task UploadRowClientRef_OverItsLimit_IsInvalid_WithTheRowPath()
    {
        var chunk = new UploadChunk();
        chunk.Rows.Add(new UploadRow { IndicatorId = GatewayFixture.AlphaIndicator, ClientRef = "ok" });
        chunk.Rows.Add(new UploadRow { IndicatorId = GatewayFixture.AlphaIndicator, ClientRef = new string('r', 3_900) });
        var (code, message, _) = await fixture.UploadAsync(
            fixture.PartnershipAlpha,
            new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "alpha", ValidateOnly = true } },
            new UploadObservationsRequest { Chunk = chunk });
        Assert.Equal((StatusCode.InvalidArgument, "chunk.rows[1].client_ref: at most 100 characters"), (code, message));
    }

    [Theory]
    [InlineData(long.MaxValue, 0)]
    [InlineData(long.MinValue, 0)]
    [InlineData(1_700_000_000, -1)]
    [InlineData(1_700_000_000, 1_000_000_000)]
    public async Task IssueToken_WithAnOutOfRangeTimestamp_IsInvalid_NamingExpireTime(long seconds, int nanos)
    {
        var (code, message) = await fixture.StatusOfAsync<IssueTokenRequest, IssueTokenResponse>(fixture.Admin, "AdminService/IssueToken", new()
        {
            Role = Role.NetworkViewer,
            Description = "out of range",
            ExpireTime = new Timestamp { Seconds = seconds, Nanos = nanos },
        });
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.StartsWith("expire_time: ", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevokeToken_WithAMalformedId_IsInvalid_AndNotQuoted()
    {
        var (code, message) = await fixture.StatusOfAsync<RevokeTokenRequest, RevokeTokenResponse>(fixture.Admin, "AdminService/RevokeToken", new() { TokenId = "tok_<script>" });
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.DoesNotContain("<script>", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StreamsPerToken_OverTheLimit_AreResourceExhausted_AndOtherTokensAreNotAffected()
    {
        var limited = await GatewayFixture.StartWithLimitsAsync(l => l.MaxStreamsPerToken = 2);
        try
        {
            await StreamsPerTokenAsync(limited);
        }
        finally
        {
            await limited.DisposeAsync();
        }
    }

    private static async Task StreamsPerTokenAsync(GatewayFixture limited)
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var first = limited.Watch(limited.Viewer, timeout.Token);
        using var second = limited.Watch(limited.Viewer, timeout.Token);
        Assert.True(await first.ResponseStream.MoveNext(timeout.Token));
        Assert.True(await second.ResponseStream.MoveNext(timeout.Token));

        var (code, message, _) = await limited.WatchFirstAsync(limited.Viewer);
        Assert.Equal(StatusCode.ResourceExhausted, code);
        Assert.Contains("MaxStreamsPerToken", message, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, (await limited.WatchFirstAsync(limited.Admin)).Code);
    }

    [Fact]
    public async Task IdleUploadStream_EndsWithDeadlineExceeded_NamingIdle()
    {
        var limited = await GatewayFixture.StartWithLimitsAsync(l => l.StreamIdleTimeout = TimeSpan.FromSeconds(1));
        try
        {
            await IdleUploadAsync(limited);
        }
        finally
        {
            await limited.DisposeAsync();
        }
    }

    private static async Task IdleUploadAsync(GatewayFixture limited)
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = limited.Channel.CreateCallInvoker().AsyncClientStreamingCall(
            StriveCalls.Method<UploadObservationsRequest, UploadObservationsResponse>(MethodType.ClientStreaming, "IndicatorService/UploadObservations"),
            null,
            StriveCalls.Options(limited.PartnershipAlpha, timeout.Token));
        await call.RequestStream.WriteAsync(new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "alpha" } }, timeout.Token);

        // Then nothing, without half-closing: the attack that held the silo's memory.
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync);
        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("idle", ended.Status.Detail, StringComparison.Ordinal);
        Assert.Equal(StatusCode.OK, (await limited.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(limited.PartnershipAlpha, "PartnershipService/GetPartnership", new() { PartnershipId = "alpha" })).Code);
    }
}
