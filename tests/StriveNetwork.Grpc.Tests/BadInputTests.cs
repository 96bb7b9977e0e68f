using System.Net;
using Google.Protobuf;
using Grpc.Testing;

namespace StriveNetwork.Grpc.Tests;

/// <summary>Malformed requests each get the status the spec asks for, and the server keeps serving.</summary>
public sealed class BadInputTests : IAsyncLifetime
{
    private const string Unary = "/grpc.testing.TestService/UnaryCall";
    private TestServer _server = null!;
    private HttpClient _http = null!;

    public async Task InitializeAsync()
    {
        _server = await TestServer.StartAsync();
        _http = _server.CreateRawHttp2Client();
    }

    public async Task DisposeAsync()
    {
        _http.Dispose();
        await _server.DisposeAsync();
    }

    private async Task AssertStillServingAsync()
    {
        var result = await RawHttp.SendAsync(_http, "/grpc.testing.TestService/EmptyCall", RawHttp.Frame(new Empty()));
        Assert.Equal("0", result.GrpcStatus);
        Assert.Equal(5, result.Body.Length);
    }

    [Fact]
    public async Task TruncatedFrame_IsInternal()
    {
        var framed = RawHttp.Frame(new SimpleRequest { ResponseSize = 10 });
        var result = await RawHttp.SendAsync(_http, Unary, framed[..^2]);
        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.Equal("13", result.GrpcStatus);
        Assert.Contains("Incomplete", result.GrpcMessage, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task LengthPrefixAboveLimit_IsResourceExhausted()
    {
        var header = new byte[5];
        Protocol.GrpcFrameParser.WriteHeader(header, compressed: false, (4 * 1024 * 1024) + 1);
        var result = await RawHttp.SendAsync(_http, Unary, header);
        Assert.Equal("8", result.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task CompressedFlagWithoutEncoding_IsInternal()
    {
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame(new SimpleRequest(), compressedFlag: true));
        Assert.Equal("13", result.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task GarbageProtobuf_IsInternal()
    {
        // Field 3 (payload) claims 5 bytes but only 1 follows.
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame([0x1A, 0x05, 0x01]));
        Assert.Equal("13", result.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task TwoMessagesOnUnary_IsUnimplemented()
    {
        var one = RawHttp.Frame(new SimpleRequest());
        var result = await RawHttp.SendAsync(_http, Unary, [.. one, .. one]);
        Assert.Equal("12", result.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task Http11Request_IsRejected()
    {
        // On the h2c-only endpoint Kestrel itself refuses HTTP/1.1 with a 400 and closes the connection.
        using var http1 = new HttpClient(new SocketsHttpHandler { UseProxy = false }) { DefaultRequestVersion = HttpVersion.Version11, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        using var content = new ByteArrayContent(RawHttp.Frame(new Empty()));
        content.Headers.ContentType = new("application/grpc");
        using var refused = await http1.PostAsync(new Uri(_server.Address, "grpc.testing.TestService/EmptyCall"), content);
        Assert.Equal(HttpStatusCode.BadRequest, refused.StatusCode);
        Assert.Contains("HTTP/2 only", await refused.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        // Where HTTP/1.1 reaches the layer (a mixed endpoint), it answers 426 with an explanation.
        using var content2 = new ByteArrayContent(RawHttp.Frame(new Empty()));
        content2.Headers.ContentType = new("application/grpc");
        using var response = await http1.PostAsync(new Uri(_server.Http1Address, "grpc.testing.TestService/EmptyCall"), content2);
        Assert.Equal(HttpStatusCode.UpgradeRequired, response.StatusCode);
        Assert.Contains("HTTP/2", response.Headers.GetValues("grpc-message").Single(), StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task WrongContentType_Is415()
    {
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame(new SimpleRequest()), contentType: "application/json");
        Assert.Equal(HttpStatusCode.UnsupportedMediaType, result.HttpStatus);
        await AssertStillServingAsync();
    }

    [Theory]
    [InlineData("/no.such.Service/Method")]
    [InlineData("/grpc.testing.TestService/NoSuchMethod")]
    public async Task UnknownServiceOrMethod_IsTrailersOnlyUnimplemented(string path)
    {
        var result = await RawHttp.SendAsync(_http, path, RawHttp.Frame(new Empty()));
        Assert.Equal(HttpStatusCode.OK, result.HttpStatus);
        Assert.True(result.TrailersOnly);
        Assert.Equal("12", result.GrpcStatus);
        Assert.Empty(result.Body);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task UnsupportedEncoding_IsUnimplementedWithAcceptEncoding()
    {
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame(new SimpleRequest(), compressedFlag: true),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "snappy"));
        Assert.Equal("12", result.GrpcStatus);
        var accept = result.Response.Headers.GetValues("grpc-accept-encoding").Single();
        Assert.Contains("gzip", accept, StringComparison.Ordinal);
        Assert.DoesNotContain("snappy", accept, StringComparison.Ordinal);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task UnsupportedEncodingHeader_OnUncompressedMessage_IsAccepted()
    {
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame(new SimpleRequest { ResponseSize = 3 }),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "snappy"));
        Assert.Equal("0", result.GrpcStatus);
    }

    [Fact]
    public async Task CorruptGzip_IsInternal()
    {
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame([1, 2, 3, 4], compressedFlag: true),
            configure: r => r.Headers.TryAddWithoutValidation("grpc-encoding", "gzip"));
        Assert.Equal("13", result.GrpcStatus);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task PercentEncodedMessage_IsSentEncoded()
    {
        var request = new SimpleRequest { ResponseStatus = new EchoStatus { Code = 3, Message = "50% ☺" } };
        var result = await RawHttp.SendAsync(_http, Unary, RawHttp.Frame(request));
        Assert.Equal("3", result.GrpcStatus);
        var raw = result.Response.Headers.GetValues("grpc-message").Single();
        Assert.Equal("50%25 %E2%98%BA", raw);
        Assert.Equal("50% ☺", result.GrpcMessage);
    }

    [Fact]
    public void BinaryMetadataRoundTrip_AcceptsPaddedAndUnpadded()
    {
        Assert.Equal([0xab, 0xab, 0xab, 0xab], Protocol.GrpcProtocol.DecodeBase64("q6urqw"));
        Assert.Equal([0xab, 0xab, 0xab, 0xab], Protocol.GrpcProtocol.DecodeBase64("q6urqw=="));
        Assert.Equal("q6urqw", Protocol.GrpcProtocol.EncodeBase64([0xab, 0xab, 0xab, 0xab]));
        _ = ByteString.Empty;
    }
}
