using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Tests;

/// <summary>Hand-built HTTP/2 gRPC requests, for inputs a well-behaved client never sends.</summary>
public static class RawHttp
{
    public sealed record RawResult(HttpStatusCode HttpStatus, string? GrpcStatus, string? GrpcMessage, HttpResponseMessage Response, byte[] Body, bool TrailersOnly);

    public static byte[] Frame(IMessage message, bool compressedFlag = false)
    {
        var payload = message.ToByteArray();
        return Frame(payload, compressedFlag);
    }

    public static byte[] Frame(byte[] payload, bool compressedFlag = false)
    {
        var framed = new byte[5 + payload.Length];
        GrpcFrameParser.WriteHeader(framed, compressedFlag, payload.Length);
        payload.CopyTo(framed, 5);
        return framed;
    }

    public static async Task<RawResult> SendAsync(HttpClient client, string path, byte[] body, string contentType = "application/grpc", Action<HttpRequestMessage>? configure = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new ByteArrayContent(body),
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(contentType);
        request.Headers.TE.ParseAdd("trailers");
        configure?.Invoke(request);
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var bytes = await response.Content.ReadAsByteArrayAsync();
        var trailersOnly = response.Headers.Contains("grpc-status");
        var source = trailersOnly ? (HttpHeaders)response.Headers : response.TrailingHeaders;
        var status = source.TryGetValues("grpc-status", out var s) ? s.First() : null;
        var message = source.TryGetValues("grpc-message", out var m) ? GrpcProtocol.PercentDecode(m.First()) : null;
        return new RawResult(response.StatusCode, status, message, response, bytes, trailersOnly);
    }
}
