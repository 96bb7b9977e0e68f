using System.Diagnostics.Metrics;
using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The front door's instruments on the StriveNetwork meter: every call by method and final status, refusals by the
/// limit that refused, and open calls ended by a revocation or an expiry.
/// </summary>
public sealed class GatewayMetricsTests
{
    private const string CallDuration = "rpc.server.call.duration";
    private const string LimitRefusals = "strive.gateway.limit.refusals";
    private const string CallsEnded = "strive.gateway.calls.ended";

    [Fact]
    public async Task EveryCall_IsRecordedByMethodAndFinalStatus_AndAStreamRefusalUnderItsLimit()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxPublicStreamsPerClient = 1);
        using var metrics = new MetricRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        var health = new Health.HealthClient(gateway.Channel);
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);

        await health.CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token);
        using var first = health.Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
        Assert.True(await first.ResponseStream.MoveNext(timeout.Token));
        using var second = health.Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
        Assert.Equal(StatusCode.ResourceExhausted, (await Assert.ThrowsAsync<RpcException>(() => second.ResponseStream.MoveNext(timeout.Token))).StatusCode);

        var check = Assert.Single(metrics.Of(CallDuration, ("rpc.method", "Check")));
        Assert.Equal("grpc", check.Tags["rpc.system"]);
        Assert.Equal("grpc.health.v1.Health", check.Tags["rpc.service"]);
        Assert.Equal((int)StatusCode.OK, check.Tags["rpc.grpc.status_code"]);
        Assert.InRange(check.Value, 0, StriveCalls.Timeout.TotalSeconds);
        Assert.Single(metrics.Of(CallDuration, ("rpc.method", "Watch"), ("rpc.grpc.status_code", (int)StatusCode.ResourceExhausted)));
        Assert.Equal(1, metrics.Sum(LimitRefusals, ("strive.limit", "MaxPublicStreamsPerClient")));
        Assert.Equal(1, metrics.Sum(LimitRefusals));
    }

    [Fact]
    public async Task ConnectionsOverThePerAddressLimit_AreCountedUnderTheirLimit()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxConnectionsPerClient = 1);
        using var metrics = new MetricRecorder(gateway.Services.GetRequiredService<IMeterFactory>());
        using var held = new TcpClient();
        await held.ConnectAsync(IPAddress.Loopback, new Uri(gateway.Address).Port);

        // Kestrel accepts the held connection asynchronously: a second one is refused once it counts (bounded retry).
        for (var attempt = 0; attempt < 100 && metrics.Sum(LimitRefusals, ("strive.limit", "MaxConnectionsPerClient")) == 0; attempt++)
        {
            using var channel = GrpcChannel.ForAddress(gateway.Address);
            try
            {
                await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + StriveCalls.Timeout);
            }
            catch (RpcException exception) when (exception.StatusCode == StatusCode.Unavailable)
            {
            }

            await Task.Delay(50);
        }

        Assert.True(metrics.Sum(LimitRefusals, ("strive.limit", "MaxConnectionsPerClient")) >= 1, "no refused connection was counted");
    }

    [Fact]
    public void OpenCallsEnded_AreCountedOnceEach_ByReason()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var factory = services.GetRequiredService<IMeterFactory>();
        using var metrics = new MetricRecorder(factory);
        var registry = new OpenCallRegistry(new GatewayMetrics(factory));
        var now = DateTimeOffset.UtcNow;
        using var a1 = registry.Register("tok_a", "hash-a", null, CancellationToken.None);
        using var a2 = registry.Register("tok_a", "hash-a", null, CancellationToken.None);
        using var b = registry.Register("tok_b", "hash-b", now.AddMinutes(-1), CancellationToken.None);
        using var c = registry.Register("tok_c", "hash-c", now.AddMinutes(5), CancellationToken.None);

        Assert.Equal(2, registry.EndToken("tok_a", TokenRejection.Revoked));
        Assert.Equal(0, registry.EndToken("tok_a", TokenRejection.Revoked));
        Assert.Equal(1, registry.EndExpired(now));
        Assert.False(a1.End(TokenRejection.Expired));

        Assert.Equal(2, metrics.Sum(CallsEnded, ("strive.reason", "revoked")));
        Assert.Equal(1, metrics.Sum(CallsEnded, ("strive.reason", "expired")));
        Assert.Equal(3, metrics.Sum(CallsEnded));
        Assert.False(c.Ended.IsCancellationRequested);
    }
}
