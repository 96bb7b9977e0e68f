using System.Net;
using System.Net.Http.Headers;
using Grpc.Testing;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Tests;

/// <summary>Several messages in one DATA frame on a stream that stays open must all be processed.</summary>
public sealed class CoalescedFramesTests
{
    private sealed class GatedContent(byte[] first, Task gate) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context)
        {
            await stream.WriteAsync(first);
            await stream.FlushAsync();
            await gate;
        }

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task TwoMessagesInOneWrite_OnOpenDuplexStream_BothAnsweredBeforeHalfClose()
    {
        await using var server = await TestServer.StartAsync();
        using var http = server.CreateRawHttp2Client();
        var request = new StreamingOutputCallRequest();
        request.ResponseParameters.Add(new ResponseParameters { Size = 7 });
        var one = RawHttp.Frame(request);
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var message = new HttpRequestMessage(HttpMethod.Post, "/grpc.testing.TestService/FullDuplexCall")
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new GatedContent([.. one, .. one], gate.Task),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        using var response = await http.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        await using var body = await response.Content.ReadAsStreamAsync();

        // Two 7-byte payload responses: each framed as 5 + 11 bytes.
        var expected = 2 * (5 + new StreamingOutputCallResponse { Payload = new Payload { Body = Google.Protobuf.ByteString.CopyFrom(new byte[7]) } }.CalculateSize());
        var buffer = new byte[expected];
        var read = 0;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        while (read < expected)
        {
            var n = await body.ReadAsync(buffer.AsMemory(read), timeout.Token);
            Assert.True(n > 0, "response ended early");
            read += n;
        }

        Assert.Equal(expected, read);
        gate.SetResult();
        Assert.Equal(0, await body.ReadAsync(new byte[1], timeout.Token));
        Assert.Equal("0", response.TrailingHeaders.GetValues(GrpcProtocol.StatusHeader).Single());
    }
}
