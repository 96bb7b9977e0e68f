using Google.Protobuf;
using Grpc.Testing;
using StriveNetwork.Grpc.Client;

namespace StriveNetwork.Grpc.Tests;

/// <summary>The interop cases, driven by the .NET client against the interop TestService on the real layer.</summary>
public sealed class ClientInteropTests : IAsyncLifetime
{
    private const string Service = "/grpc.testing.TestService/";
    private TestServer _server = null!;

    public async Task InitializeAsync() => _server = await TestServer.StartAsync();

    public async Task DisposeAsync() => await _server.DisposeAsync();

    [Fact]
    public async Task EmptyCall_ReturnsEmpty()
    {
        var result = await _server.Client.UnaryAsync<Empty, Empty>(Service + "EmptyCall", new Empty());
        Assert.NotNull(result.Response);
    }

    [Fact]
    public async Task UnaryCall_LargePayload_ReturnsRequestedSize()
    {
        var request = new SimpleRequest { ResponseSize = 314159, Payload = new Payload { Body = ByteString.CopyFrom(new byte[271828]) } };
        var result = await _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Service + "UnaryCall", request);
        Assert.Equal(314159, result.Response.Payload.Body.Length);
        Assert.All(result.Response.Payload.Body.ToByteArray(), b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task StreamingOutputCall_ReturnsEachRequestedSizeInOrder()
    {
        var request = new StreamingOutputCallRequest();
        foreach (var size in new[] { 31415, 9, 2653, 58979 })
        {
            request.ResponseParameters.Add(new ResponseParameters { Size = size });
        }

        await using var call = _server.Client.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "StreamingOutputCall", request);
        var sizes = new List<int>();
        await foreach (var response in call.ReadAllAsync())
        {
            sizes.Add(response.Payload.Body.Length);
        }

        Assert.Equal([31415, 9, 2653, 58979], sizes);
        Assert.Equal(StatusCode.OK, call.Status);
    }

    [Fact]
    public async Task StreamingInputCall_AggregatesPayloadSizes()
    {
        await using var call = _server.Client.Streaming<StreamingInputCallRequest, StreamingInputCallResponse>(Service + "StreamingInputCall");
        foreach (var size in new[] { 27182, 8, 1828, 45904 })
        {
            await call.WriteAsync(new StreamingInputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[size]) } });
        }

        await call.CompleteRequestAsync();
        var response = await call.ReadAsync();
        Assert.Equal(74922, response!.AggregatedPayloadSize);
        Assert.Null(await call.ReadAsync());
    }

    [Fact]
    public async Task FullDuplexCall_PingPong_InterleavesOneResponsePerRequest()
    {
        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "FullDuplexCall");
        var pairs = new[] { (27182, 31415), (8, 9), (1828, 2653), (45904, 58979) };
        foreach (var (requestSize, responseSize) in pairs)
        {
            var request = new StreamingOutputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[requestSize]) } };
            request.ResponseParameters.Add(new ResponseParameters { Size = responseSize });
            await call.WriteAsync(request);
            var response = await call.ReadAsync();
            Assert.Equal(responseSize, response!.Payload.Body.Length);
        }

        await call.CompleteRequestAsync();
        Assert.Null(await call.ReadAsync());
        Assert.Equal(StatusCode.OK, call.Status);
    }

    [Fact]
    public async Task FullDuplexCall_EmptyStream_EndsOkWithNoResponses()
    {
        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "FullDuplexCall");
        await call.CompleteRequestAsync();
        Assert.Null(await call.ReadAsync());
        Assert.Equal(StatusCode.OK, call.Status);
    }

    [Fact]
    public async Task CustomMetadata_EchoesInitialAndBinaryTrailingMetadata()
    {
        var headers = new GrpcMetadata().Add("x-grpc-test-echo-initial", "test_initial_metadata_value").Add("x-grpc-test-echo-trailing-bin", [0xab, 0xab, 0xab]);
        var result = await _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(
            Service + "UnaryCall", new SimpleRequest { ResponseSize = 314159 }, new GrpcCallOptions { Headers = headers });
        Assert.Equal("test_initial_metadata_value", result.Headers.GetValue("x-grpc-test-echo-initial"));
        Assert.Equal([0xab, 0xab, 0xab], result.Trailers.GetBytes("x-grpc-test-echo-trailing-bin"));

        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "FullDuplexCall", new GrpcCallOptions { Headers = headers });
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 10 });
        await call.WriteAsync(request);
        await call.CompleteRequestAsync();
        Assert.NotNull(await call.ReadAsync());
        Assert.Equal("test_initial_metadata_value", (await call.ResponseHeadersAsync()).GetValue("x-grpc-test-echo-initial"));
        Assert.Null(await call.ReadAsync());
        Assert.Equal([0xab, 0xab, 0xab], call.Trailers.GetBytes("x-grpc-test-echo-trailing-bin"));
    }

    [Theory]
    [InlineData("test status message")]
    [InlineData("\t\ntest with whitespace\r\nand Unicode BMP ☺ and non-BMP 😈\t\n")]
    public async Task ResponseStatus_IsEchoedWithExactMessage(string message)
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } };
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Service + "UnaryCall", request));
        Assert.Equal(StatusCode.Unknown, error.StatusCode);
        Assert.Equal(message, error.Detail);

        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "FullDuplexCall");
        await call.WriteAsync(new StreamingOutputCallRequest { ResponseStatus = new EchoStatus { Code = 2, Message = message } });
        await call.CompleteRequestAsync();
        var streamError = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync());
        Assert.Equal(StatusCode.Unknown, streamError.StatusCode);
        Assert.Equal(message, streamError.Detail);
    }

    [Theory]
    [InlineData("/grpc.testing.TestService/UnimplementedCall")]
    [InlineData("/grpc.testing.UnimplementedService/UnimplementedCall")]
    [InlineData("/no.Such/Thing")]
    public async Task UnboundOrUnknownMethod_IsUnimplemented(string path)
    {
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => _server.Client.UnaryAsync<Empty, Empty>(path, new Empty()));
        Assert.Equal(StatusCode.Unimplemented, error.StatusCode);
        var next = await _server.Client.UnaryAsync<Empty, Empty>(Service + "EmptyCall", new Empty());
        Assert.NotNull(next.Response);
    }

    [Fact]
    public async Task CompressedRequest_WhenExpectedButNotCompressed_IsInvalidArgument_AndCompressedSucceeds()
    {
        var request = new SimpleRequest { ExpectCompressed = new BoolValue { Value = true }, ResponseSize = 314159, Payload = new Payload { Body = ByteString.CopyFrom(new byte[271828]) } };
        var probe = await Assert.ThrowsAsync<GrpcStatusException>(() => _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Service + "UnaryCall", request));
        Assert.Equal(StatusCode.InvalidArgument, probe.StatusCode);

        var result = await _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Service + "UnaryCall", request, new GrpcCallOptions { CompressRequests = true });
        Assert.Equal(314159, result.Response.Payload.Body.Length);
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task ResponseCompressed_ControlsTheCompressedFlag(bool compressed)
    {
        var request = new SimpleRequest { ResponseCompressed = new BoolValue { Value = compressed }, ResponseSize = 314159 };
        var result = await _server.Client.UnaryAsync<SimpleRequest, SimpleResponse>(Service + "UnaryCall", request);
        Assert.Equal(compressed, result.ResponseCompressed);
        Assert.Equal(314159, result.Response.Payload.Body.Length);
    }

    [Fact]
    public async Task ServerCompressedStreaming_HonoursPerMessageFlag()
    {
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415, Compressed = new BoolValue { Value = true } });
        request.ResponseParameters.Add(new ResponseParameters { Size = 92653, Compressed = new BoolValue { Value = false } });
        await using var call = _server.Client.ServerStreaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "StreamingOutputCall", request);
        Assert.Equal(31415, (await call.ReadAsync())!.Payload.Body.Length);
        Assert.True(call.LastResponseCompressed);
        Assert.Equal(92653, (await call.ReadAsync())!.Payload.Body.Length);
        Assert.False(call.LastResponseCompressed);
        Assert.Null(await call.ReadAsync());
    }

    [Fact]
    public async Task ClientCompressedStreaming_AcceptsMixedCompression()
    {
        await using var call = _server.Client.Streaming<StreamingInputCallRequest, StreamingInputCallResponse>(Service + "StreamingInputCall", new GrpcCallOptions { CompressRequests = true });
        await call.WriteAsync(new StreamingInputCallRequest { ExpectCompressed = new BoolValue { Value = true }, Payload = new Payload { Body = ByteString.CopyFrom(new byte[27182]) } });
        await call.WriteAsync(new StreamingInputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[45904]) } });
        await call.CompleteRequestAsync();
        Assert.Equal(73086, (await call.ReadAsync())!.AggregatedPayloadSize);
    }

    [Fact]
    public async Task Deadline_OnSleepingServer_IsDeadlineExceeded()
    {
        // The client enforces the deadline itself (as grpc-js does); the server side is covered in DeadlineTests.
        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(
            Service + "FullDuplexCall", new GrpcCallOptions { Timeout = TimeSpan.FromMilliseconds(1) });
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync());
        Assert.Equal(StatusCode.DeadlineExceeded, error.StatusCode);
        Assert.NotNull((await _server.Client.UnaryAsync<Empty, Empty>(Service + "EmptyCall", new Empty())).Response);
    }

    [Fact]
    public async Task CancelAfterFirstResponse_IsCancelled()
    {
        using var cancellation = new CancellationTokenSource();
        await using var call = _server.Client.Streaming<StreamingOutputCallRequest, StreamingOutputCallResponse>(Service + "FullDuplexCall", cancellationToken: cancellation.Token);
        var request = new StreamingOutputCallRequest { Payload = new Payload { Body = ByteString.CopyFrom(new byte[27182]) } };
        request.ResponseParameters.Add(new ResponseParameters { Size = 31415 });
        await call.WriteAsync(request);
        Assert.Equal(31415, (await call.ReadAsync())!.Payload.Body.Length);
        await cancellation.CancelAsync();
        var error = await Assert.ThrowsAsync<GrpcStatusException>(() => call.ReadAsync());
        Assert.Equal(StatusCode.Cancelled, error.StatusCode);
    }
}
