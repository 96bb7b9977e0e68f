using System.Diagnostics.Metrics;
using Grpc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StriveNetwork.Grpc.Client;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Grpc.Tests;

/// <summary>Deadlines, cancellation, disconnects, interceptors and metrics on custom handlers.</summary>
public sealed class LifecycleTests
{
    private const string Unary = "/grpc.testing.TestService/UnaryCall";
    private const string Duplex = "/grpc.testing.TestService/FullDuplexCall";

    private sealed class Probe
    {
        public TaskCompletionSource Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Cancelled { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public int HandlerRuns;
    }

    private static Task<TestServer> StartWaitingServerAsync(Probe probe, Action<GrpcServerOptions>? options = null) =>
        TestServer.StartAsync(
            services => services.AddGrpcService(TestReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("TestService"), (builder, _) =>
            {
                builder.Unary<SimpleRequest, SimpleResponse>("UnaryCall", async (request, context) =>
                {
                    Interlocked.Increment(ref probe.HandlerRuns);
                    if (request.ResponseSize > 0)
                    {
                        return new SimpleResponse();
                    }

                    probe.Started.TrySetResult();
                    using var registration = context.CancellationToken.Register(() => probe.Cancelled.TrySetResult());
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                    return new SimpleResponse();
                });
                builder.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>("StreamingOutputCall", async (request, responses, context) =>
                {
                    using var registration = context.CancellationToken.Register(() => probe.Cancelled.TrySetResult());
                    await responses.WriteAsync(new StreamingOutputCallResponse());
                    probe.Started.TrySetResult();
                    await Task.Delay(Timeout.Infinite, context.CancellationToken);
                });
                builder.DuplexStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>("FullDuplexCall", async (requests, responses, context) =>
                {
                    using var registration = context.CancellationToken.Register(() => probe.Cancelled.TrySetResult());
                    await foreach (var request in requests)
                    {
                        await responses.WriteAsync(new StreamingOutputCallResponse());
                        probe.Started.TrySetResult();
                    }
                });
            }),
            options,
            interop: false);

    [Fact]
    public async Task ServerStopping_EndsOpenStreamsWithUnavailable_UnaryCallsStillComplete()
    {
        var probe = new Probe();
        await using var server = await StartWaitingServerAsync(probe);
        await using var call = server.Client.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(
            "/grpc.testing.TestService/StreamingOutputCall", new StreamingOutputCallRequest());
        Assert.NotNull(await call.ReadAsync());
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        // A watch-like stream never ends by itself; stopping the host must end it, not wait out the shutdown timeout.
        server.Services.GetRequiredService<IHostApplicationLifetime>().StopApplication();

        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.Unavailable, error.StatusCode);
        Assert.Equal("the server is shutting down; call again", error.Detail);
        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task ServerDeadline_CancelsHandlerAndSendsDeadlineExceeded()
    {
        var probe = new Probe();
        var clock = new ManualTimeProvider();
        await using var server = await StartWaitingServerAsync(probe, o => o.TimeProvider = clock);
        using var http = server.CreateRawHttp2Client();

        // No client-side deadline: only the server's clock can end this call.
        var pending = RawHttp.SendAsync(http, Unary, RawHttp.Frame(new SimpleRequest()), configure: r => r.Headers.TryAddWithoutValidation("grpc-timeout", "5S"));
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        clock.Advance(TimeSpan.FromSeconds(4));
        Assert.False(probe.Cancelled.Task.IsCompleted);
        clock.Advance(TimeSpan.FromSeconds(1));

        var result = await pending.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal("4", result.GrpcStatus);
        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var next = await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 });
        Assert.NotNull(next.Response);
        await Eventually.TrueAsync(() => clock.ActiveTimers == 0, "deadline timers are disposed when calls end");
    }

    [Fact]
    public async Task ServerDeadline_AfterResponseStarted_SendsDeadlineExceededTrailers()
    {
        var probe = new Probe();
        var clock = new ManualTimeProvider();
        await using var server = await StartWaitingServerAsync(probe, o => o.TimeProvider = clock);

        // The deadline travels only as a header, so the status below can only come from the server.
        var options = new GrpcCallOptions { Headers = new GrpcMetadata().Add("grpc-timeout", "2S") };
        await using var call = server.Client.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(
            "/grpc.testing.TestService/StreamingOutputCall", new StreamingOutputCallRequest(), options);
        Assert.NotNull(await call.ReadAsync());
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(2));
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull((await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 })).Response);
    }

    [Fact]
    public async Task ServerDeadline_OnOpenDuplexStream_ResetsWithCancel_AndCancelsHandler()
    {
        var probe = new Probe();
        var clock = new ManualTimeProvider();
        await using var server = await StartWaitingServerAsync(probe, o => o.TimeProvider = clock);
        var options = new GrpcCallOptions { Headers = new GrpcMetadata().Add("grpc-timeout", "2S") };
        await using var call = server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Duplex, options);
        await call.WriteAsync(new StreamingOutputCallRequest());
        Assert.NotNull(await call.ReadAsync());
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));

        clock.Advance(TimeSpan.FromSeconds(2));
        // The server sends DEADLINE_EXCEEDED trailers then RST_STREAM(CANCEL); while the client is still sending,
        // HttpClient surfaces only the reset, which maps to CANCELLED (grpc-js shows status 4 here).
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains(error.StatusCode, new[] { StatusCode.DeadlineExceeded, StatusCode.Cancelled });
        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull((await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 })).Response);
    }

    [Fact]
    public async Task ClientCancel_FiresHandlerToken_AndServerKeepsServing()
    {
        var probe = new Probe();
        await using var server = await StartWaitingServerAsync(probe);
        using var cancellation = new CancellationTokenSource();
        var call = server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest(), cancellationToken: cancellation.Token);
        await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await cancellation.CancelAsync();

        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call);
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull((await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 })).Response);
    }

    [Fact]
    public async Task ClientDisconnectMidStream_FiresHandlerToken_AndServerKeepsServing()
    {
        var probe = new Probe();
        await using var server = await StartWaitingServerAsync(probe);
        using (var separate = new GrpcChannelClient(server.Address))
        {
            var call = separate.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Duplex);
            await call.WriteAsync(new StreamingOutputCallRequest());
            Assert.NotNull(await call.ReadAsync());
            await probe.Started.Task.WaitAsync(TimeSpan.FromSeconds(10));
            // Dropping the whole connection (not just the stream) while the request stream is open.
            separate.Dispose();
            await call.DisposeAsync();
        }

        await probe.Cancelled.Task.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.NotNull((await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 })).Response);
    }

    private sealed class RequireToken : IGrpcInterceptor
    {
        public Task InterceptAsync(GrpcCallContext context, Func<GrpcCallContext, Task> next)
        {
            if (context.RequestHeaders.GetValue("authorization") != "Bearer letmein")
            {
                throw new GrpcStatusException(StatusCode.Unauthenticated, "Missing or bad bearer token.");
            }

            return next(context);
        }
    }

    [Fact]
    public async Task Interceptor_RejectsUnauthenticatedBeforeHandler_AndMetricsCountStatuses()
    {
        var probe = new Probe();
        var finished = new List<(string Method, string Status)>();
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == GrpcServerMetrics.MeterName && instrument.Name == "grpc.server.calls.finished")
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((_, _, tags, _) =>
        {
            string? method = null, status = null;
            foreach (var tag in tags)
            {
                if (tag.Key == "grpc.method")
                {
                    method = tag.Value as string;
                }
                else if (tag.Key == "grpc.status")
                {
                    status = tag.Value as string;
                }
            }

            lock (finished)
            {
                finished.Add((method!, status!));
            }
        });
        listener.Start();

        await using var server = await StartWaitingServerAsync(probe, o => o.Interceptors.Add(new RequireToken()));
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 }));
        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        Assert.Equal(0, probe.HandlerRuns);

        var ok = await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 1 },
            new GrpcCallOptions { Headers = new GrpcMetadata().Add("authorization", "Bearer letmein") });
        Assert.NotNull(ok.Response);
        Assert.Equal(1, probe.HandlerRuns);

        await Eventually.TrueAsync(() => { lock (finished) { return finished.Count(f => f.Method == Unary) >= 2; } }, "two finished calls recorded");
        lock (finished)
        {
            Assert.Contains((Unary, "Unauthenticated"), finished);
            Assert.Contains((Unary, "OK"), finished);
        }
    }

    [Fact]
    public async Task HandlerException_IsUnknownWithoutInternals()
    {
        await using var server = await TestServer.StartAsync(
            services => services.AddGrpcService(TestReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("TestService"), (builder, _) =>
                builder.Unary<Empty, Empty>("EmptyCall", (_, _) => throw new InvalidOperationException("secret connection string"))),
            interop: false);
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => server.Client.UnaryAsync<Empty, Empty>("/grpc.testing.TestService/EmptyCall", new Empty()));
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.DoesNotContain("secret", error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SendLimit_IsResourceExhausted()
    {
        await using var server = await TestServer.StartAsync(options: o => o.MaxSendMessageSize = 1000);
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() =>
            server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 2000 }));
        Assert.Equal(StatusCode.ResourceExhausted, error.StatusCode);
        Assert.Equal(500, (await server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Unary, new SimpleRequest { ResponseSize = 500 })).Response.Payload.Body.Length);
    }

    [Fact]
    public void Binding_WrongShapeOrTypes_IsRejectedAtRegistration()
    {
        var builder = new GrpcServiceBuilder(TestReflection.Descriptor.FindTypeByName<Google.Protobuf.Reflection.ServiceDescriptor>("TestService"));
        Assert.Throws<ArgumentException>(() => builder.Unary<StreamingOutputCallRequest, StreamingOutputCallResponse>("FullDuplexCall", (_, _) => Task.FromResult(new StreamingOutputCallResponse())));
        Assert.Throws<ArgumentException>(() => builder.Unary<Empty, Empty>("UnaryCall", (_, _) => Task.FromResult(new Empty())));
        Assert.Throws<ArgumentException>(() => builder.Unary<Empty, Empty>("NoSuchMethod", (_, _) => Task.FromResult(new Empty())));
    }
}
