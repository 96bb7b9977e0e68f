using Grpc.Core;
using Grpc.Health.V1;
using StriveNetwork.Gateway.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;
using V1Alpha = Grpc.Reflection.V1Alpha;
using V1Reflection = Grpc.Reflection.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>The Grpc.AspNetCore front door on the real host: health, reflection, deadlines, compression and the live watch.</summary>
public sealed class FrontDoorTests(GatewayFixture fixture) : IClassFixture<GatewayFixture>
{
    private static readonly string[] StriveServices =
    [
        "strive.v1.AdminService", "strive.v1.CohortService", "strive.v1.FrameworkService",
        "strive.v1.IndicatorService", "strive.v1.NetworkService", "strive.v1.PartnershipService",
    ];

    private static DateTime Deadline => DateTime.UtcNow + StriveCalls.Timeout;

    [Fact]
    public async Task Health_IsServingAfterStart_ForTheServerAndEveryStriveService()
    {
        var health = new Health.HealthClient(fixture.Channel);
        Assert.Equal(["", .. StriveServices], GatewayHealth.ServiceNames.Order(StringComparer.Ordinal));
        foreach (var service in GatewayHealth.ServiceNames)
        {
            var response = await health.CheckAsync(new HealthCheckRequest { Service = service }, deadline: Deadline);
            Assert.True(response.Status == ServingStatus.Serving, $"'{service}': {response.Status}");
        }

        var unknown = await Assert.ThrowsAsync<RpcException>(async () => await health.CheckAsync(new HealthCheckRequest { Service = "no.such.Service" }, deadline: Deadline));
        Assert.Equal(StatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task Health_Watch_TellsServingFirst()
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var watch = new Health.HealthClient(fixture.Channel).Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);
    }

    [Fact]
    public async Task Reflection_ListsEveryStriveService_OnV1AndV1Alpha()
    {
        using var v1 = new V1Reflection.ServerReflection.ServerReflectionClient(fixture.Channel).ServerReflectionInfo(deadline: Deadline);
        await v1.RequestStream.WriteAsync(new V1Reflection.ServerReflectionRequest { ListServices = "" });
        await v1.RequestStream.CompleteAsync();
        Assert.True(await v1.ResponseStream.MoveNext());
        var listed = v1.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name).ToList();
        Assert.All(StriveServices, name => Assert.Contains(name, listed));
        Assert.Contains("grpc.health.v1.Health", listed);

        using var alpha = new V1Alpha.ServerReflection.ServerReflectionClient(fixture.Channel).ServerReflectionInfo(deadline: Deadline);
        await alpha.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { ListServices = "" });
        await alpha.RequestStream.WriteAsync(new V1Alpha.ServerReflectionRequest { FileContainingSymbol = "strive.v1.NetworkService" });
        await alpha.RequestStream.CompleteAsync();
        Assert.True(await alpha.ResponseStream.MoveNext());
        Assert.All(StriveServices, name => Assert.Contains(name, alpha.ResponseStream.Current.ListServicesResponse.Service.Select(s => s.Name)));
        Assert.True(await alpha.ResponseStream.MoveNext());
        var files = alpha.ResponseStream.Current.FileDescriptorResponse.FileDescriptorProto
            .Select(bytes => Google.Protobuf.Reflection.FileDescriptorProto.Parser.ParseFrom(bytes).Name)
            .ToList();
        Assert.Contains("strive/v1/network.proto", files);
    }

    [Fact]
    public async Task GrpcTimeout_EndsTheCallWithDeadlineExceeded_OnTheServer()
    {
        // No client-side deadline: only the grpc-timeout header, so the status can only come from the server. A
        // watch never ends by itself, so the deadline is what ends it (after the current rollup).
        var result = await RawGrpc.CallAsync(
            fixture.Address,
            "/strive.v1.NetworkService/WatchNetworkRollup",
            new WatchNetworkRollupRequest(),
            new Dictionary<string, string> { ["authorization"] = "Bearer " + fixture.Viewer, ["grpc-timeout"] = "500m" });
        Assert.Equal((int)StatusCode.DeadlineExceeded, result.Status);
        Assert.True(result.Messages.Count >= 1, "the current rollup comes before the deadline");
        Assert.True(WatchNetworkRollupResponse.Parser.ParseFrom(result.Messages[0]).Rollup.PartnershipCount >= 2);
    }

    [Fact]
    public async Task ClientDeadline_OnAWatch_IsDeadlineExceeded()
    {
        var options = StriveCalls.Options(fixture.Viewer);
        using var call = fixture.Channel.CreateCallInvoker().AsyncServerStreamingCall(
            StriveCalls.Method<WatchNetworkRollupRequest, WatchNetworkRollupResponse>(MethodType.ServerStreaming, "NetworkService/WatchNetworkRollup"),
            null,
            new CallOptions(options.Headers, DateTime.UtcNow.AddMilliseconds(500)),
            new WatchNetworkRollupRequest());
        Assert.True(await call.ResponseStream.MoveNext());
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext());
        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
    }

    [Fact]
    public async Task GzipCompressedRequest_IsAccepted()
    {
        var raw = await RawGrpc.CallAsync(
            fixture.Address,
            "/strive.v1.PartnershipService/GetPartnership",
            new GetPartnershipRequest { PartnershipId = "alpha" },
            new Dictionary<string, string> { ["authorization"] = "Bearer " + fixture.Viewer },
            gzip: true);
        Assert.True(raw.Status == 0, $"{raw.Status} {raw.Message}");
        Assert.Equal("alpha", GetPartnershipResponse.Parser.ParseFrom(raw.Messages.Single()).Partnership.PartnershipId);

        // The same through Grpc.Net.Client, which compresses when asked per call.
        var options = StriveCalls.Options(fixture.Viewer);
        options.Headers!.Add("grpc-internal-encoding-request", "gzip");
        using var call = fixture.Channel.CreateCallInvoker().AsyncUnaryCall(
            StriveCalls.Method<GetPartnershipRequest, GetPartnershipResponse>(MethodType.Unary, "PartnershipService/GetPartnership"),
            null,
            options,
            new GetPartnershipRequest { PartnershipId = "beta" });
        Assert.Equal("beta", (await call.ResponseAsync).Partnership.PartnershipId);
    }

    [Fact]
    public async Task Watch_SendsTheCurrentRollupThenEachNewerVersion()
    {
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = fixture.Watch(fixture.Viewer, timeout.Token);
        Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        var first = call.ResponseStream.Current.Rollup;
        var current = await fixture.CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(fixture.Viewer, "NetworkService/GetNetworkRollup", new());
        Assert.True(first.Version <= current.Rollup.Version);

        // A new partnership changes the rollup: the watch brings a newer version that counts it, and never an older one.
        var id = "watched-" + Guid.NewGuid().ToString("N")[..8];
        await fixture.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(fixture.Admin, "PartnershipService/RegisterPartnership",
            new() { PartnershipId = id, Profile = GatewayFixture.Profile("toa-6g") });
        var last = first;
        while (last.PartnershipCount <= first.PartnershipCount)
        {
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token), "the watch ended");
            var next = call.ResponseStream.Current.Rollup;
            Assert.True(next.Version > last.Version, $"version {next.Version} after {last.Version}");
            last = next;
        }

        Assert.Equal(first.PartnershipCount + 1, last.PartnershipCount);
    }
}
