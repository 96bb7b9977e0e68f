using System.Collections.Concurrent;
using System.Net;
using Microsoft.AspNetCore.Connections;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// A Kestrel connection middleware that closes a new connection when its remote IP address already has
/// <see cref="GatewayLimits.MaxConnectionsPerClient"/> open ones, so one client cannot take the server's
/// connections (<see cref="GatewayLimits.MaxConnections"/>) for itself. A connection counts from accept until it
/// closes, whatever way it closes. Install with <see cref="GatewayKestrelExtensions.UseClientConnectionLimit"/>.
/// Refusals are counted in <paramref name="metrics"/> when given.
/// </summary>
public sealed partial class ClientConnectionLimit(int maxPerClient, ILogger logger, GatewayMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<IPAddress, int> _open = new();

    /// <summary>Open connections of <paramref name="address"/> now.</summary>
    public int OpenFrom(IPAddress address) => _open.GetValueOrDefault(Normalize(address));

    /// <summary>The middleware: runs <paramref name="next"/> for an admitted connection, closes a refused one.</summary>
    public ConnectionDelegate Wrap(ConnectionDelegate next) => async connection =>
    {
        ArgumentNullException.ThrowIfNull(connection);
        var address = (connection.RemoteEndPoint as IPEndPoint)?.Address is { } remote ? Normalize(remote) : IPAddress.None;
        if (!TryEnter(address))
        {
            LogConnectionRefused(logger, maxPerClient);
            metrics?.LimitRefused(nameof(GatewayLimits.MaxConnectionsPerClient));
            // Closing before any HTTP/2 frame: the client sees the connection closed and may retry later.
            connection.Abort(new ConnectionAbortedException("too many connections from this address"));
            return;
        }

        try
        {
            await next(connection).ConfigureAwait(false);
        }
        finally
        {
            Leave(address);
        }
    };

    private static IPAddress Normalize(IPAddress address) => address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;

    private bool TryEnter(IPAddress address)
    {
        while (true)
        {
            if (_open.TryGetValue(address, out var count))
            {
                if (count >= maxPerClient)
                {
                    return false;
                }

                if (_open.TryUpdate(address, count + 1, count))
                {
                    return true;
                }
            }
            else if (_open.TryAdd(address, 1))
            {
                return true;
            }
        }
    }

    private void Leave(IPAddress address)
    {
        while (true)
        {
            var count = _open[address];
            if (count == 1 ? _open.TryRemove(new KeyValuePair<IPAddress, int>(address, 1)) : _open.TryUpdate(address, count - 1, count))
            {
                return;
            }
        }
    }

    [LoggerMessage(EventId = 6051, EventName = "ConnectionRefused", Level = LogLevel.Warning, Message = "Closed a new connection: its address already has {Limit} open connections (MaxConnectionsPerClient)")]
    private static partial void LogConnectionRefused(ILogger logger, int limit);
}
