using Grpc.Net.Client;

namespace StriveNetwork.Dashboard.Api;

/// <summary>
/// The one loopback channel from the dashboard to this silo's own strive.v1 gRPC port (h2c). The port is known only
/// once Kestrel has bound it (it may be picked by the system), so the host calls <see cref="Connect"/> after start.
/// </summary>
public sealed class ApiChannel : IDisposable
{
    private GrpcChannel? _channel;

    /// <summary>The channel; throws before <see cref="Connect"/>.</summary>
    public GrpcChannel Channel => Volatile.Read(ref _channel) ?? throw new InvalidOperationException("The dashboard's API channel is not connected yet.");

    /// <summary>Whether <see cref="Connect"/> has run (pages answer 503 before).</summary>
    public bool IsConnected => Volatile.Read(ref _channel) is not null;

    /// <summary>Opens the channel to <paramref name="address"/> (http://127.0.0.1:port); once.</summary>
    public void Connect(Uri address)
    {
        ArgumentNullException.ThrowIfNull(address);
        var channel = GrpcChannel.ForAddress(address, new GrpcChannelOptions
        {
            // Responses of this API are small (a rollup, a page of 500 partnerships, a report card).
            MaxReceiveMessageSize = 16 * 1024 * 1024,
            HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true, PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) },
            DisposeHttpClient = true,
        });
        if (Interlocked.CompareExchange(ref _channel, channel, null) is not null)
        {
            channel.Dispose();
            throw new InvalidOperationException("The dashboard's API channel is already connected.");
        }
    }

    /// <inheritdoc />
    public void Dispose() => _channel?.Dispose();
}
