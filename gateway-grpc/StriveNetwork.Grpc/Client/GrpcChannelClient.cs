using System.Net;
using Google.Protobuf;

namespace StriveNetwork.Grpc.Client;

/// <summary>
/// A small gRPC client over <see cref="HttpClient"/> speaking h2c with prior knowledge (HTTP/2 exact).
/// Methods are addressed by path, e.g. <c>/grpc.testing.TestService/UnaryCall</c>.
/// </summary>
public sealed class GrpcChannelClient : IDisposable
{
    private readonly HttpClient _client;
    private readonly Uri _address;
    private readonly bool _ownsClient;

    /// <summary>Creates a client with its own HTTP/2 handler for <paramref name="address"/> (e.g. http://127.0.0.1:5000/).</summary>
    public GrpcChannelClient(Uri address)
        : this(new HttpClient(new SocketsHttpHandler
        {
            EnableMultipleHttp2Connections = true,
            AllowAutoRedirect = false,
            UseProxy = false,
            PooledConnectionIdleTimeout = Timeout.InfiniteTimeSpan,
        })
        {
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
            Timeout = Timeout.InfiniteTimeSpan,
        }, address, ownsClient: true)
    {
    }

    /// <summary>Creates a client over an existing <see cref="HttpClient"/> (not disposed by this client).</summary>
    public GrpcChannelClient(HttpClient client, Uri address)
        : this(client, address, ownsClient: false)
    {
    }

    private GrpcChannelClient(HttpClient client, Uri address, bool ownsClient)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(address);
        _client = client;
        _address = address;
        _ownsClient = ownsClient;
    }

    /// <summary>Unary call: one request, one response.</summary>
    /// <exception cref="GrpcStatusException">The call ended with a non-OK status.</exception>
    public async Task<GrpcUnaryResult<TResponse>> UnaryAsync<TRequest, TResponse>(string method, TRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new GrpcCallOptions();
        var call = new GrpcClientCall<TRequest, TResponse>(_client, _address, method, options, GrpcClientCall<TRequest, TResponse>.Frame(request, options.CompressRequests), cancellationToken);
        await using (call.ConfigureAwait(false))
        {
            var headers = await call.ResponseHeadersAsync().ConfigureAwait(false);
            var response = await call.ReadAsync().ConfigureAwait(false)
                ?? throw new GrpcStatusException(StatusCode.Internal, "The server sent no response message.");
            var compressed = call.LastResponseCompressed;
            if (await call.ReadAsync().ConfigureAwait(false) is not null)
            {
                throw new GrpcStatusException(StatusCode.Internal, "The server sent more than one response message.");
            }

            return new GrpcUnaryResult<TResponse>(response, headers, call.Trailers, compressed);
        }
    }

    /// <summary>Server-streaming call: dispose the returned call when done (disposing early cancels it).</summary>
    public GrpcClientCall<TRequest, TResponse> ServerStreaming<TRequest, TResponse>(string method, TRequest request, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(request);
        options ??= new GrpcCallOptions();
        return new GrpcClientCall<TRequest, TResponse>(_client, _address, method, options, GrpcClientCall<TRequest, TResponse>.Frame(request, options.CompressRequests), cancellationToken);
    }

    /// <summary>Client-streaming or bidi call: write requests, complete, read responses.</summary>
    public GrpcClientCall<TRequest, TResponse> Streaming<TRequest, TResponse>(string method, GrpcCallOptions? options = null, CancellationToken cancellationToken = default)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        new(_client, _address, method, options ?? new GrpcCallOptions(), singleRequest: null, cancellationToken);

    /// <summary>Disposes the owned HttpClient.</summary>
    public void Dispose()
    {
        if (_ownsClient)
        {
            _client.Dispose();
        }
    }
}
