using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The stream and connection limits against a real Kestrel with small limits: public streams (health Watch and
/// reflection, which need no token) per address and their lifetime, the idle timeout and the message and byte limits
/// of a client stream, connections per address, and a gzip message whose decompressed size is over the limit.
/// Every wait is bounded; after each refusal the server still serves the next call.
/// </summary>
public sealed class StreamLimitsTests
{
    [Fact]
    public async Task IdleReflectionStream_EndsWithDeadlineExceeded_NamingIdle()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.StreamIdleTimeout = TimeSpan.FromMilliseconds(500));
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = new ServerReflection.ServerReflectionClient(gateway.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);

        // Says nothing: the server must not wait for ever.
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("idle", ended.Status.Detail, StringComparison.Ordinal);
        await AssertServesAsync(gateway.Channel);
    }

    [Fact]
    public async Task ActiveReflectionStream_IsNotIdle_ButEndsAfterItsMessageLimit()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxStreamMessages = 3);
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = new ServerReflection.ServerReflectionClient(gateway.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);
        for (var i = 0; i < 3; i++)
        {
            await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "*" }, timeout.Token);
            Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
        }

        await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "*" }, timeout.Token);
        var ended = await Assert.ThrowsAsync<RpcException>(() => call.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.ResourceExhausted, ended.StatusCode);
        Assert.Contains("MaxStreamMessages", ended.Status.Detail, StringComparison.Ordinal);
        await AssertServesAsync(gateway.Channel);
    }

    [Fact]
    public async Task BusyReflectionStream_EndsWhenItsLifetimeIsOver_WithDeadlineExceeded()
    {
        // The same reader bounds strive.v1 client streams by MaxStreamDuration; reflection's bound is PublicStreamLifetime.
        await using var gateway = await BareGateway.StartAsync(l => l.PublicStreamLifetime = TimeSpan.FromSeconds(1));
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = new ServerReflection.ServerReflectionClient(gateway.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);
        RpcException? ended = null;
        for (var i = 0; i < 100 && ended is null; i++)
        {
            try
            {
                await call.RequestStream.WriteAsync(new ServerReflectionRequest { ListServices = "*" }, timeout.Token);
                Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
                await Task.Delay(100, timeout.Token);
            }
            catch (RpcException exception)
            {
                ended = await EndStatusAsync(call, exception, timeout.Token);
            }
        }

        Assert.NotNull(ended);
        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("PublicStreamLifetime", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ClientStream_OverItsByteLimit_IsResourceExhausted()
    {
        await using var gateway = await BareGateway.StartAsync(l =>
        {
            l.MaxMessageBytes = 1024;
            l.MaxStreamBytes = 1024;
        });
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var call = new ServerReflection.ServerReflectionClient(gateway.Channel).ServerReflectionInfo(cancellationToken: timeout.Token);
        RpcException? ended = null;
        // Each message is ~150 bytes: the stream passes 1 KiB within 10 messages.
        for (var i = 0; i < 20 && ended is null; i++)
        {
            try
            {
                await call.RequestStream.WriteAsync(new ServerReflectionRequest { Host = new string('h', 140), ListServices = "*" }, timeout.Token);
                Assert.True(await call.ResponseStream.MoveNext(timeout.Token));
            }
            catch (RpcException exception)
            {
                ended = await EndStatusAsync(call, exception, timeout.Token);
            }
        }

        Assert.NotNull(ended);
        Assert.Equal(StatusCode.ResourceExhausted, ended.StatusCode);
        Assert.Contains("MaxStreamBytes", ended.Status.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PublicStreams_OverThePerAddressLimit_AreRefused_AndASlotFreesWhenOneEnds()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxPublicStreamsPerClient = 2);
        var health = new Health.HealthClient(gateway.Channel);
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var first = CancellationTokenSource.CreateLinkedTokenSource(timeout.Token);
        var open = new List<AsyncServerStreamingCall<HealthCheckResponse>>();
        try
        {
            foreach (var token in new[] { first.Token, timeout.Token })
            {
                var watch = health.Watch(new HealthCheckRequest(), cancellationToken: token);
                open.Add(watch);
                Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            }

            using var third = health.Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
            var refused = await Assert.ThrowsAsync<RpcException>(() => third.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(StatusCode.ResourceExhausted, refused.StatusCode);
            Assert.Contains("MaxPublicStreamsPerClient", refused.Status.Detail, StringComparison.Ordinal);

            // Ending a watch frees its slot (the server learns of the cancellation asynchronously: bounded retry).
            await first.CancelAsync();
            await EventuallyAsync(async () =>
            {
                using var again = health.Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
                try
                {
                    return await again.ResponseStream.MoveNext(timeout.Token);
                }
                catch (RpcException exception) when (exception.StatusCode == StatusCode.ResourceExhausted)
                {
                    return false;
                }
            });
        }
        finally
        {
            open.ForEach(call => call.Dispose());
        }
    }

    [Fact]
    public async Task HealthWatch_EndsAfterThePublicStreamLifetime_WithDeadlineExceeded()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.PublicStreamLifetime = TimeSpan.FromSeconds(1));
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var watch = new Health.HealthClient(gateway.Channel).Watch(new HealthCheckRequest(), cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        Assert.Contains("PublicStreamLifetime", ended.Status.Detail, StringComparison.Ordinal);
        await AssertServesAsync(gateway.Channel);
    }

    [Fact]
    public async Task GzipMessage_DecompressedOverTheLimit_IsResourceExhausted_AndTheChannelServesTheNextCall()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxMessageBytes = 64 * 1024);
        // 1 MiB of one letter: a few KiB on the wire with gzip, sixteen times the limit once decompressed.
        var headers = new Metadata { { "grpc-internal-encoding-request", "gzip" } };
        var (code, message) = await gateway.Channel.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(
            null, "PartnershipService/GetPartnership", new GetPartnershipRequest { PartnershipId = new string('a', 1024 * 1024) }, headers);

        Assert.Equal(StatusCode.ResourceExhausted, code);
        Assert.True(message.Length <= 300, message);
        Assert.DoesNotContain("aaaa", message, StringComparison.Ordinal);
        await AssertServesAsync(gateway.Channel);
    }

    [Fact]
    public async Task GzipMessage_DecompressedOverTheLimit_IsRefused_OnARawHttp2Call()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxMessageBytes = 64 * 1024);
        var result = await RawGrpc.CallAsync(
            gateway.Address,
            "/strive.v1.PartnershipService/GetPartnership",
            new GetPartnershipRequest { PartnershipId = new string('a', 1024 * 1024) },
            new Dictionary<string, string>(),
            gzip: true);
        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
    }

    [Fact]
    public async Task GzipBomb_IsRefused_WithoutInflatingItInMemory()
    {
        await using var gateway = await BareGateway.StartAsync();
        // A GetPartnershipRequest whose partnership_id is 256 MiB of 'a', gzip-compressed without ever holding it:
        // about 256 KiB on the wire, under the 1 MiB message limit before decompression.
        const int Inflated = 256 * 1024 * 1024;
        using var compressed = new MemoryStream();
        await using (var zip = new System.IO.Compression.GZipStream(compressed, System.IO.Compression.CompressionLevel.Optimal, leaveOpen: true))
        {
            var header = new Google.Protobuf.CodedOutputStream(zip, leaveOpen: true);
            header.WriteTag(GetPartnershipRequest.PartnershipIdFieldNumber, Google.Protobuf.WireFormat.WireType.LengthDelimited);
            header.WriteLength(Inflated);
            header.Flush();
            var chunk = new byte[1024 * 1024];
            Array.Fill(chunk, (byte)'a');
            for (var written = 0; written < Inflated; written += chunk.Length)
            {
                await zip.WriteAsync(chunk);
            }
        }

        Assert.InRange(compressed.Length, 1, 1024 * 1024);
        var before = GC.GetTotalAllocatedBytes(precise: true);
        var result = await RawGrpc.CallFrameAsync(gateway.Address, "/strive.v1.PartnershipService/GetPartnership", compressed.ToArray(), gzip: true, new Dictionary<string, string>());
        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.Equal((int)StatusCode.ResourceExhausted, result.Status);
        // The whole process (client and server) allocated far less than the inflated size: decompression stopped at the limit.
        Assert.True(allocated < 64L * 1024 * 1024, $"{allocated:N0} bytes allocated while refusing a {Inflated:N0}-byte gzip bomb");
        await AssertServesAsync(gateway.Channel);
    }

    [Fact]
    public async Task ConnectionsOverThePerAddressLimit_AreClosed_AndCountedFreeOnClose()
    {
        await using var gateway = await BareGateway.StartAsync(l => l.MaxConnectionsPerClient = 2);
        var port = new Uri(gateway.Address).Port;
        using var first = new TcpClient();
        using var second = new TcpClient();
        await first.ConnectAsync(IPAddress.Loopback, port);
        await second.ConnectAsync(IPAddress.Loopback, port);

        // The third connection from 127.0.0.1 (a fresh channel) is closed at once: its call fails.
        using (var refused = GrpcChannel.ForAddress(gateway.Address))
        {
            await EventuallyAsync(async () =>
            {
                var (code, _) = await CheckAsync(refused);
                return code == StatusCode.Unavailable;
            });
        }

        // Closing one frees its place: a new channel gets through (Kestrel sees the close asynchronously).
        first.Close();
        await EventuallyAsync(async () =>
        {
            using var channel = GrpcChannel.ForAddress(gateway.Address);
            return (await CheckAsync(channel)).Code == StatusCode.OK;
        });
    }

    private static async Task<(StatusCode Code, string Message)> CheckAsync(GrpcChannel channel)
    {
        try
        {
            await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), deadline: DateTime.UtcNow + StriveCalls.Timeout);
            return (StatusCode.OK, string.Empty);
        }
        catch (RpcException exception)
        {
            return (exception.StatusCode, exception.Status.Detail);
        }
    }

    // A write after the server ended the call fails with CANCELLED on the client; the server's status is on the response stream.
    private static async Task<RpcException> EndStatusAsync(AsyncDuplexStreamingCall<ServerReflectionRequest, ServerReflectionResponse> call, RpcException failure, CancellationToken cancellationToken)
    {
        for (var i = 0; i < 100; i++)
        {
            try
            {
                if (!await call.ResponseStream.MoveNext(cancellationToken))
                {
                    return failure;
                }
            }
            catch (RpcException exception)
            {
                return exception;
            }
        }

        return failure;
    }

    private static async Task AssertServesAsync(GrpcChannel channel) => Assert.Equal(StatusCode.OK, (await CheckAsync(channel)).Code);

    // Retries until the condition holds, at most 100 times over at most 20 s.
    private static async Task EventuallyAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await condition())
            {
                return;
            }

            if (DateTime.UtcNow > deadline)
            {
                break;
            }

            await Task.Delay(100);
        }

        Assert.Fail("the condition did not hold within 20 s");
    }
}
