using System.Net;
using ServiceDescriptor = Google.Protobuf.Reflection.ServiceDescriptor;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace StriveNetwork.Grpc.Server;

/// <summary>Registration of the gRPC layer in DI, routing and Kestrel.</summary>
public static class GrpcServerExtensions
{
    /// <summary>Adds the gRPC server core (options validated at start, dispatcher, registry, metrics).</summary>
    public static IServiceCollection AddGrpcServer(this IServiceCollection services, Action<GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var options = services.AddOptions<GrpcServerOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }

        options.Validate(o => !o.Validate().Any(), "Invalid GrpcServerOptions (check message sizes and compression algorithm).").ValidateOnStart();
        services.AddMetrics();
        services.TryAddSingleton<GrpcServerMetrics>();
        services.TryAddSingleton<GrpcCallDispatcher>();
        services.TryAddSingleton<GrpcServiceRegistry>();
        return services;
    }

    /// <summary>Registers a service and binds its handlers when the registry is built.</summary>
    public static IServiceCollection AddGrpcService(this IServiceCollection services, ServiceDescriptor service, Action<GrpcServiceBuilder, IServiceProvider> bind)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(service);
        ArgumentNullException.ThrowIfNull(bind);
        services.AddSingleton(new GrpcServiceRegistration(service, bind));
        return services;
    }

    /// <summary>
    /// Maps every bound method to POST /package.Service/Method, and any other two-segment path to a
    /// Trailers-Only UNIMPLEMENTED (or 415/426/405 for non-gRPC requests).
    /// </summary>
    public static IEndpointConventionBuilder MapGrpcServices(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var registry = endpoints.ServiceProvider.GetRequiredService<GrpcServiceRegistry>();
        var dispatcher = endpoints.ServiceProvider.GetRequiredService<GrpcCallDispatcher>();
        _ = endpoints.ServiceProvider.GetRequiredService<IOptions<GrpcServerOptions>>().Value;
        var builders = new List<IEndpointConventionBuilder>();
        foreach (var binding in registry.Methods)
        {
            var bound = binding;
            builders.Add(endpoints.Map(bound.Path, context => dispatcher.HandleAsync(context, bound)).WithDisplayName("gRPC " + bound.Path));
        }

        builders.Add(endpoints.Map("/{service}/{method}", dispatcher.HandleUnknownAsync).WithDisplayName("gRPC unimplemented").WithOrder(int.MaxValue));
        return new CompositeConventionBuilder(builders);
    }

    /// <summary>
    /// Listens for h2c (prior-knowledge HTTP/2 without TLS) on <paramref name="address"/>:<paramref name="port"/>
    /// and applies the HTTP/2 limits of <paramref name="limits"/>.
    /// </summary>
    public static void ListenGrpc(this KestrelServerOptions kestrel, IPAddress address, int port, GrpcKestrelLimits? limits = null, Action<ListenOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(kestrel);
        limits ??= new GrpcKestrelLimits();
        var http2 = kestrel.Limits.Http2;
        http2.MaxStreamsPerConnection = limits.MaxStreamsPerConnection;
        http2.InitialConnectionWindowSize = limits.InitialConnectionWindowSize;
        http2.InitialStreamWindowSize = limits.InitialStreamWindowSize;
        kestrel.AddServerHeader = false;
        kestrel.Listen(address, port, listen =>
        {
            listen.Protocols = HttpProtocols.Http2;
            configure?.Invoke(listen);
        });
    }

    private sealed class CompositeConventionBuilder(List<IEndpointConventionBuilder> builders) : IEndpointConventionBuilder
    {
        public void Add(Action<EndpointBuilder> convention)
        {
            foreach (var builder in builders)
            {
                builder.Add(convention);
            }
        }
    }
}

/// <summary>HTTP/2 limits for a gRPC endpoint (defaults follow Kestrel except where noted).</summary>
public sealed record GrpcKestrelLimits
{
    /// <summary>Concurrent streams per connection (Kestrel default 100); extra streams are refused.</summary>
    public int MaxStreamsPerConnection { get; init; } = 100;

    /// <summary>Connection flow-control window (Kestrel default 1 MiB).</summary>
    public int InitialConnectionWindowSize { get; init; } = 1024 * 1024;

    /// <summary>Stream flow-control window (Kestrel default 768 KiB).</summary>
    public int InitialStreamWindowSize { get; init; } = 768 * 1024;
}
