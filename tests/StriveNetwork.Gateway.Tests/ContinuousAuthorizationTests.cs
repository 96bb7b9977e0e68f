using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Interceptors;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using TokenRole = StriveNetwork.Grains.Abstractions.TokenRole;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// A revoked or expired token ends its open calls with UNAUTHENTICATED (watch, idle upload, a unary handler that
/// ignores cancellation), whichever way the revocation was made; other tokens' calls go on; nothing stays registered.
/// </summary>
public sealed class ContinuousAuthorizationTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    // Bounded waits for something that must happen; the revocation itself is meant to land within one second.
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);

    private TokenIssuer Issuer => fixture.Services.GetRequiredService<TokenIssuer>();

    private OpenCallRegistry OpenCalls => fixture.Services.GetRequiredService<OpenCallRegistry>();

    [Fact]
    public async Task RevokedElsewhere_EndsAnOpenWatch_WithUnauthenticated()
    {
        var viewer = await Issuer.IssueAsync(TokenRole.NetworkViewer, null, "watcher", DateTimeOffset.UtcNow.AddDays(1), "test");
        using var call = fixture.Watch(viewer.Secret);
        using var timeout = new CancellationTokenSource(Wait);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        await OpenCallOfAsync(viewer.Token.TokenId);

        // Straight to the registry grain, as another silo's AdminService or a token command does: this gateway
        // learns it only from its revocation watcher.
        await Issuer.RevokeAsync(viewer.Token.TokenId, "test", string.Empty);

        var ended = await EndOfAsync(call.ResponseStream, timeout.Token);
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal($"bearer token {viewer.Token.TokenId} was revoked", ended.Status.Detail);
        await NoOpenCallsAsync();
        Assert.Equal(StatusCode.Unauthenticated, (await fixture.WatchFirstAsync(viewer.Secret)).Code);
    }

    [Fact]
    public async Task RevokedThroughTheApi_EndsAnOpenWatch_AndAnotherTokensWatchGoesOn()
    {
        var doomed = await Issuer.IssueAsync(TokenRole.NetworkViewer, null, "doomed", DateTimeOffset.UtcNow.AddDays(1), "test");
        var kept = await Issuer.IssueAsync(TokenRole.NetworkViewer, null, "kept", DateTimeOffset.UtcNow.AddDays(1), "test");
        using var timeout = new CancellationTokenSource(Wait);
        using var doomedCall = fixture.Watch(doomed.Secret);
        using var keptCall = fixture.Watch(kept.Secret);
        Assert.True(await doomedCall.ResponseStream.MoveNext(timeout.Token));
        Assert.True(await keptCall.ResponseStream.MoveNext(timeout.Token));
        var before = keptCall.ResponseStream.Current.Rollup.Version;

        await fixture.CallAsync<RevokeTokenRequest, RevokeTokenResponse>(fixture.Admin, "AdminService/RevokeToken", new() { TokenId = doomed.Token.TokenId, Reason = "test" });
        Assert.Equal(StatusCode.Unauthenticated, (await EndOfAsync(doomedCall.ResponseStream, timeout.Token)).StatusCode);

        // The other watch is still open and still served: a change of the network reaches it.
        Assert.Single(OpenCalls.Snapshot(), c => c.TokenId == kept.Token.TokenId);
        var id = "kept-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(fixture.Admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        Assert.True(await keptCall.ResponseStream.MoveNext(timeout.Token));
        Assert.True(keptCall.ResponseStream.Current.Rollup.Version > before);
    }

    [Fact]
    public async Task Revoked_EndsAnIdleUploadStream_WithUnauthenticated()
    {
        var alpha = await Issuer.IssueAsync(TokenRole.Partnership, "alpha", "uploader", DateTimeOffset.UtcNow.AddDays(1), "test");
        using var call = fixture.Channel.CreateCallInvoker().AsyncClientStreamingCall(
            StriveCalls.Method<UploadObservationsRequest, UploadObservationsResponse>(MethodType.ClientStreaming, "IndicatorService/UploadObservations"),
            null,
            StriveCalls.Options(alpha.Secret));
        await call.RequestStream.WriteAsync(new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = "alpha" } });
        await OpenCallOfAsync(alpha.Token.TokenId);

        // The client sends nothing more and does not half-close: the server is waiting for its next message.
        await Issuer.RevokeAsync(alpha.Token.TokenId, "test", string.Empty);

        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseAsync.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal($"bearer token {alpha.Token.TokenId} was revoked", ended.Status.Detail);
        await NoOpenCallsAsync();
    }

    [Fact]
    public async Task ExpiringToken_EndsItsWatchAtExpiry_WithUnauthenticated()
    {
        var shortLived = await Issuer.IssueAsync(TokenRole.NetworkViewer, null, "short-lived", DateTimeOffset.UtcNow.AddSeconds(2), "test");
        using var call = fixture.Watch(shortLived.Secret);
        using var timeout = new CancellationTokenSource(Wait);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));

        var ended = await EndOfAsync(call.ResponseStream, timeout.Token);
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.Equal($"bearer token {shortLived.Token.TokenId} expired", ended.Status.Detail);
        Assert.True(DateTimeOffset.UtcNow >= shortLived.Token.ExpireTime, "ended at expiry, not before");
        await NoOpenCallsAsync();
    }

    [Fact]
    public async Task Revoked_EndsAUnaryCallWhoseHandlerIgnoresCancellation()
    {
        var admin = await Issuer.IssueAsync(TokenRole.NetworkAdmin, null, "slow caller", DateTimeOffset.UtcNow.AddDays(1), "test");
        var interceptor = fixture.Services.GetRequiredService<FrontDoorInterceptor>();
        var context = new FakeServerCallContext("/strive.v1.NetworkService/GetNetworkRollup", admin.Secret);
        var handlerStarted = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var neverDone = new TaskCompletionSource<GetNetworkRollupResponse>(TaskCreationOptions.RunContinuationsAsynchronously);
        var seenCaller = "";
        var call = interceptor.UnaryServerHandler<GetNetworkRollupRequest, GetNetworkRollupResponse>(new(), context, (_, c) =>
        {
            seenCaller = c.GetCaller().TokenId;
            handlerStarted.TrySetResult();
            return neverDone.Task;
        });
        await handlerStarted.Task.WaitAsync(Wait);
        Assert.Equal(admin.Token.TokenId, seenCaller);

        await Issuer.RevokeAsync(admin.Token.TokenId, "test", string.Empty);

        var ended = await Assert.ThrowsAsync<RpcException>(() => call.WaitAsync(Wait));
        Assert.Equal(StatusCode.Unauthenticated, ended.StatusCode);
        Assert.False(neverDone.Task.IsCompleted);
        await NoOpenCallsAsync();
    }

    [Fact]
    public async Task CallsThatEndNormally_LeaveNothingRegistered()
    {
        for (var i = 0; i < 5; i++)
        {
            await fixture.CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(fixture.Viewer, "NetworkService/GetNetworkRollup", new());
            Assert.Equal(StatusCode.OK, (await fixture.WatchFirstAsync(fixture.Viewer)).Code);
        }

        Assert.Equal(StatusCode.PermissionDenied, (await fixture.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(
            fixture.Viewer, "PartnershipService/RegisterPartnership", new() { PartnershipId = "denied", Profile = GatewayFixture.Profile("toa-6g") })).Code);
        await NoOpenCallsAsync();
    }

    private static async Task<RpcException> EndOfAsync<T>(IAsyncStreamReader<T> stream, CancellationToken cancellationToken)
    {
        // Updates may still arrive before the end; the stream must end with a status, not stay open.
        try
        {
            while (await stream.MoveNext(cancellationToken))
            {
            }
        }
        catch (RpcException exception) when (exception.StatusCode != StatusCode.Cancelled || !cancellationToken.IsCancellationRequested)
        {
            return exception;
        }

        Assert.Fail("the stream ended with OK, or not within the bounded wait");
        return null!;
    }

    private async Task OpenCallOfAsync(string tokenId) =>
        await GatewayFixture.EventuallyAsync(() => Task.FromResult(OpenCalls.Snapshot()), calls => calls.Any(c => c.TokenId == tokenId), $"an open call of {tokenId}");

    private async Task NoOpenCallsAsync() =>
        await GatewayFixture.EventuallyAsync(() => Task.FromResult(OpenCalls.Count), count => count == 0, "no open call left in the registry");
}
