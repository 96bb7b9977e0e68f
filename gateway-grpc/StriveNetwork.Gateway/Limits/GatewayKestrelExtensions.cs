using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Limits;

/// <summary>Applies <see cref="GatewayLimits"/> to Kestrel: server-wide limits and the per-address connection limit of a listener.</summary>
public static class GatewayKestrelExtensions
{
    /// <summary>
    /// Sets Kestrel's own limits from <paramref name="limits"/>: connections, HTTP/2 streams per connection,
    /// keep-alive pings, header sizes. (Grpc.AspNetCore turns MinRequestBodyDataRate off for client-streaming and
    /// duplex calls; <see cref="LimitedStreamReader{T}"/>'s idle timeout stands in for it.)
    /// </summary>
    public static KestrelServerOptions ApplyGatewayLimits(this KestrelServerOptions kestrel, GatewayLimits limits)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        ArgumentNullException.ThrowIfNull(limits);
        kestrel.Limits.MaxConcurrentConnections = limits.MaxConnections;
        kestrel.Limits.MaxConcurrentUpgradedConnections = limits.MaxConnections;
        kestrel.Limits.MaxRequestHeadersTotalSize = limits.MaxRequestHeaderBytes;
        kestrel.Limits.Http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;
        kestrel.Limits.Http2.MaxRequestHeaderFieldSize = limits.MaxRequestHeaderBytes;
        kestrel.Limits.Http2.KeepAlivePingDelay = limits.KeepAlivePingDelay;
        kestrel.Limits.Http2.KeepAlivePingTimeout = limits.KeepAlivePingTimeout;
        return kestrel;
    }

    /// <summary>Closes new connections of an address that already has <see cref="GatewayLimits.MaxConnectionsPerClient"/> open.</summary>
    public static ListenOptions UseClientConnectionLimit(this ListenOptions listen, GatewayLimits limits)
    {
        ArgumentNullException.ThrowIfNull(listen);
        ArgumentNullException.ThrowIfNull(limits);
        var logger = listen.ApplicationServices.GetService<ILoggerFactory>()?.CreateLogger<ClientConnectionLimit>()
            ?? Microsoft.Extensions.Logging.Abstractions.NullLogger<ClientConnectionLimit>.Instance;
        var limit = new ClientConnectionLimit(limits.MaxConnectionsPerClient, logger, listen.ApplicationServices.GetService<GatewayMetrics>());
        listen.Use(limit.Wrap);
        return listen;
    }
}
