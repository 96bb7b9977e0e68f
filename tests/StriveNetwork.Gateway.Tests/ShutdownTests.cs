using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Errors;

namespace StriveNetwork.Gateway.Tests;

/// <summary>Stopping the host (SIGTERM) with a live watcher: the stream ends with UNAVAILABLE at once, health stops serving.</summary>
public sealed class ShutdownTests : IAsyncLifetime
{
    private readonly GatewayFixture _host = new();

    public Task InitializeAsync() => _host.InitializeAsync();

    public Task DisposeAsync() => _host.DisposeAsync();

    [Fact]
    public async Task Stopping_EndsALiveWatchWithUnavailable_AndDoesNotWaitForIt()
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = _host.Watch(_host.Viewer, timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var health = _host.Services.GetRequiredService<GatewayHealth>();
        Assert.True(health.IsServing);

        var stopping = Stopwatch.StartNew();
        var stopped = _host.StopAsync();
        var ended = await Assert.ThrowsAsync<RpcException>(async () =>
        {
            while (await call.ResponseStream.MoveNext(timeout.Token))
            {
            }
        });
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        Assert.Equal(GatewayErrors.ShuttingDownMessage, ended.Status.Detail);
        Assert.False(health.IsServing);

        await stopped;
        // Far below the host's shutdown timeout (30 s by default), which a waiting stream would have used up.
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(15), $"stopped in {stopping.Elapsed}");
    }
}
