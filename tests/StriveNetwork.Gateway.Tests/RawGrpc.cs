using System.Buffers.Binary;
using System.IO.Compression;
using System.Net;
using System.Net.Http.Headers;
using Google.Protobuf;

namespace StriveNetwork.Gateway.Tests;

/// <summary>What a raw gRPC call got back: the grpc-status and grpc-message (from trailers or a trailers-only answer) and the message payloads.</summary>
public sealed record RawGrpcResult(int? Status, string? Message, IReadOnlyList<byte[]> Messages);

/// <summary>
/// gRPC calls built by hand over HttpClient (h2c), for what a gRPC client library hides: a server-side deadline with no
/// client-side one, and a request message compressed with gzip and flagged as such.
/// </summary>
public static class RawGrpc
{
    /// <summary>Sends one request message (gzip-compressed when <paramref name="gzip"/>) and reads the whole answer.</summary>
    public static async Task<RawGrpcResult> CallAsync(string address, string path, IMessage request, IReadOnlyDictionary<string, string> headers, bool gzip = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(headers);
        var payload = request.ToByteArray();
        if (gzip)
        {
            using var compressed = new MemoryStream();
            await using (var zip = new GZipStream(compressed, CompressionLevel.Optimal, leaveOpen: true))
            {
                await zip.WriteAsync(payload);
            }

            payload = compressed.ToArray();
        }

        return await CallFrameAsync(address, path, payload, gzip, headers);
    }

    /// <summary>Sends one message whose payload is already encoded (compressed when <paramref name="gzip"/>) and reads the whole answer.</summary>
    public static async Task<RawGrpcResult> CallFrameAsync(string address, string path, byte[] payload, bool gzip, IReadOnlyDictionary<string, string> headers)
    {
        ArgumentNullException.ThrowIfNull(payload);
        ArgumentNullException.ThrowIfNull(headers);
        var frame = new byte[5 + payload.Length];
        frame[0] = gzip ? (byte)1 : (byte)0;
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)payload.Length);
        payload.CopyTo(frame, 5);

        using var client = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
        using var message = new HttpRequestMessage(HttpMethod.Post, address + path)
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Content = new ByteArrayContent(frame),
        };
        message.Content.Headers.ContentType = new MediaTypeHeaderValue("application/grpc");
        message.Headers.TE.ParseAdd("trailers");
        if (gzip)
        {
            message.Headers.TryAddWithoutValidation("grpc-encoding", "gzip");
        }

        foreach (var (name, value) in headers)
        {
            message.Headers.TryAddWithoutValidation(name, value);
        }

        using var response = await client.SendAsync(message, HttpCompletionOption.ResponseHeadersRead);
        var body = await response.Content.ReadAsByteArrayAsync();
        var messages = new List<byte[]>();
        for (var offset = 0; offset + 5 <= body.Length;)
        {
            var length = (int)BinaryPrimitives.ReadUInt32BigEndian(body.AsSpan(offset + 1));
            messages.Add(body.AsSpan(offset + 5, length).ToArray());
            offset += 5 + length;
        }

        // A call that fails before any message answers "trailers-only": the status is in the headers.
        string? Header(string name) =>
            response.TrailingHeaders.TryGetValues(name, out var trailer) ? trailer.First()
            : response.Headers.TryGetValues(name, out var header) ? header.First()
            : null;
        var status = Header("grpc-status");
        var detail = Header("grpc-message");
        return new RawGrpcResult(
            status is null ? null : int.Parse(status, System.Globalization.CultureInfo.InvariantCulture),
            detail is null ? null : Uri.UnescapeDataString(detail),
            messages);
    }
}
