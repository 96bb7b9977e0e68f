using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Services;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grpc.Health;
using StriveNetwork.Grpc.Reflection;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway;

/// <summary>Registration of the strive.v1 gateway (services, token auth, health, reflection) in a host.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds every strive.v1 service, the bearer-token interceptor (outermost) and the grain-error mapping, health and
    /// reflection. Needs the actor runtime (<c>IGrainFactory</c>) with the grains registered.
    /// </summary>
    public static IServiceCollection AddStriveGateway(this IServiceCollection services, Action<Grpc.Server.GrpcServerOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(FrameworkCatalog.Embedded);
        services.TryAddSingleton<TokenIssuer>();
        services.TryAddSingleton<TokenAuthenticator>();
        services.TryAddSingleton<PartnershipService>();
        services.TryAddSingleton<IndicatorService>();
        services.TryAddSingleton<CohortService>();
        services.TryAddSingleton<NetworkService>();
        services.TryAddSingleton<FrameworkService>();
        services.TryAddSingleton<AdminService>();
        services.AddGrpcServer(configure);
        services.AddOptions<GrpcServerOptions>().Configure<TokenAuthenticator, ILoggerFactory>((options, authenticator, loggers) =>
        {
            options.Interceptors.Insert(0, new GrainErrorInterceptor(loggers.CreateLogger<GrainErrorInterceptor>()));
            options.Interceptors.Insert(0, new TokenAuthInterceptor(authenticator, loggers.CreateLogger<TokenAuthInterceptor>()));
        });

        services.AddGrpcService(V1.PartnershipReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<PartnershipService>().Bind(b));
        services.AddGrpcService(V1.IndicatorReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<IndicatorService>().Bind(b));
        services.AddGrpcService(V1.CohortReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<CohortService>().Bind(b));
        services.AddGrpcService(V1.NetworkReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<NetworkService>().Bind(b));
        services.AddGrpcService(V1.FrameworkReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<FrameworkService>().Bind(b));
        services.AddGrpcService(V1.AdminReflection.Descriptor.Services[0], (b, sp) => sp.GetRequiredService<AdminService>().Bind(b));
        services.AddGrpcHealth();
        services.AddGrpcReflection();
        return services;
    }
}
