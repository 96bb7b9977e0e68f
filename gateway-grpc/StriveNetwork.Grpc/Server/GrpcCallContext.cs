using System.Net;
using Google.Protobuf.Reflection;
using Microsoft.AspNetCore.Http;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Server;

/// <summary>Per-call state handed to handlers and interceptors (the ServerCallContext of this layer).</summary>
public sealed class GrpcCallContext
{
    private GrpcMetadata? _requestHeaders;

    internal GrpcCallContext(GrpcServerCall call, HttpContext httpContext, MethodDescriptor method, string path, DateTime deadline, CancellationToken cancellationToken)
    {
        Call = call;
        HttpContext = httpContext;
        MethodDescriptor = method;
        Method = path;
        Deadline = deadline;
        CancellationToken = cancellationToken;
    }

    /// <summary>The full method path, e.g. <c>/pkg.Service/Method</c>.</summary>
    public string Method { get; }

    /// <summary>The protobuf descriptor of the method.</summary>
    public MethodDescriptor MethodDescriptor { get; }

    /// <summary>The deadline in UTC; <see cref="DateTime.MaxValue"/> when the client sent none.</summary>
    public DateTime Deadline { get; }

    /// <summary>Fires when the client cancels, disconnects or the deadline passes.</summary>
    public CancellationToken CancellationToken { get; }

    /// <summary>The underlying HTTP context (escape hatch; prefer the gRPC members).</summary>
    public HttpContext HttpContext { get; }

    /// <summary>The remote peer, e.g. <c>ipv4:127.0.0.1:5123</c>.</summary>
    public string Peer
    {
        get
        {
            var connection = HttpContext.Connection;
            if (connection.RemoteIpAddress is null)
            {
                return "unknown";
            }

            var family = connection.RemoteIpAddress.AddressFamily == System.Net.Sockets.AddressFamily.InterNetworkV6 ? "ipv6" : "ipv4";
            return $"{family}:{new IPEndPoint(connection.RemoteIpAddress, connection.RemotePort)}";
        }
    }

    /// <summary>Application metadata of the request (transport headers removed; -bin values decoded to bytes).</summary>
    public GrpcMetadata RequestHeaders => _requestHeaders ??= ParseRequestHeaders(HttpContext.Request.Headers);

    /// <summary>Initial metadata to send; ignored once the response has started.</summary>
    public GrpcMetadata ResponseHeaders { get; } = new();

    /// <summary>Trailing metadata sent with the status.</summary>
    public GrpcMetadata ResponseTrailers { get; } = new();

    /// <summary>Whether the most recently read request message had the compressed flag set.</summary>
    public bool RequestMessageCompressed { get; internal set; }

    /// <summary>
    /// Encoding for response messages ("gzip" or "identity"); defaults to the server option. It applies only when
    /// the client accepts it, and is fixed once the response headers are sent.
    /// </summary>
    public string? ResponseEncoding { get; set; }

    /// <summary>Whether the next response messages are compressed (when a response encoding is in effect).</summary>
    public bool CompressResponses { get; set; } = true;

    /// <summary>Whether the client accepts <paramref name="encoding"/> for responses.</summary>
    public bool ClientAcceptsEncoding(string encoding) =>
        GrpcCompression.Accepts(HttpContext.Request.Headers[GrpcProtocol.AcceptEncodingHeader].ToString(), encoding);

    /// <summary>Sends the response headers now (otherwise they go with the first message or the status).</summary>
    public Task WriteResponseHeadersAsync() => Call.WriteHeadersAsync();

    internal GrpcServerCall Call { get; }

    private static GrpcMetadata ParseRequestHeaders(IHeaderDictionary headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name))
            {
                continue;
            }

            var binary = GrpcMetadata.IsBinaryKey(name);
            foreach (var value in values)
            {
                if (value is null)
                {
                    continue;
                }

                if (!binary)
                {
                    metadata.Add(name, value);
                    continue;
                }

                foreach (var part in value.Split(','))
                {
                    try
                    {
                        metadata.Add(name, GrpcProtocol.DecodeBase64(part));
                    }
                    catch (FormatException)
                    {
                        // Undecodable binary metadata is dropped rather than failing the call (as grpc-dotnet).
                    }
                }
            }
        }

        return metadata;
    }
}
