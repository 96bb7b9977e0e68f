using Grpc.AspNetCore.Server;
using Grpc.AspNetCore.Server.Model;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Interceptors;
using StriveNetwork.Gateway.Limits;
using StriveNetwork.Gateway.Routing;
using StriveNetwork.Gateway.Services;
using StriveNetwork.Gateway.Telemetry;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.Uploads;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Gateway;

/// <summary>Registration of the strive.v1 gateway (services, interceptors, token auth, health, reflection) in a host.</summary>
public static class GatewayServiceCollectionExtensions
{
    /// <summary>
    /// Adds Grpc.AspNetCore with the gateway's <see cref="FrontDoorInterceptor"/> (call metrics and logging, status
    /// mapping, bearer tokens, request limits, in that order), the front door's <see cref="GatewayMetrics"/>, the <see cref="ResponseCache"/>
    /// of read responses over the process's <see cref="ActivationVersions"/> (<see cref="ResponseCacheOptions"/>), the message size limits
    /// of <see cref="GatewayLimits"/> (configure them with <c>services.Configure&lt;GatewayLimits&gt;</c>; they are validated when the host starts), every strive.v1
    /// service, the token issuer and authenticator, the revocation watcher (a hosted service), <see cref="GatewayHealth"/> and
    /// reflection. Needs an Orleans <c>IGrainFactory</c> (a silo or a client) with the grains. Map the endpoints with
    /// <see cref="GatewayEndpointRouteBuilderExtensions.MapStriveGateway"/>; health stays NOT_SERVING until the host
    /// calls <see cref="GatewayHealth.SetServing"/>.
    /// </summary>
    /// <param name="configure">Further gRPC options (message sizes, compression); runs after the gateway's own.</param>
    public static IServiceCollection AddStriveGateway(this IServiceCollection services, Action<GrpcServiceOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(FrameworkCatalog.Embedded);
        services.TryAddSingleton<TokenIssuer>();
        services.AddMetrics();
        services.TryAddSingleton<GatewayMetrics>();
        services.TryAddSingleton<OpenCallRegistry>();
        services.TryAddSingleton<TokenAuthenticator>();

        // Continuous authorization: revocations anywhere end this process's open calls within one poll interval.
        services.AddOptions<TokenRevocationOptions>()
            .BindConfiguration(TokenRevocationOptions.Section)
            .Validate(o => o.Problem() is null, "Strive:Auth:RevocationPollInterval must be within 20 ms..750 ms")
            .ValidateOnStart();
        services.TryAddSingleton<TokenRevocationWatcher>();
        services.AddHostedService(s => s.GetRequiredService<TokenRevocationWatcher>());

        // Singletons: Grpc.AspNetCore resolves registered interceptors and services from DI instead of creating one
        // per call, and none of them holds per-call state.
        services.TryAddSingleton<GrainErrorMapping>();
        services.TryAddSingleton<FrontDoorInterceptor>();
        services.TryAddSingleton<OpenStreamCounter>();
        services.AddOptions<GatewayLimits>().ValidateOnStart();

        // Uploads apply in bounded batches (Strive:Uploads, e.g. env Strive__Uploads__BatchRows).
        services.AddOptions<UploadOptions>().BindConfiguration(UploadOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<UploadOptions>, UploadOptionsValidation>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<GatewayLimits>, GatewayLimitsValidation>());
        services.AddGrpc(options =>
        {
            // One interceptor for every step (metrics and log of the final status, status mapping, token, limits):
            // one state machine per call, none on a cached read (docs/adr/0014).
            options.Interceptors.Add<FrontDoorInterceptor>();

            // Unknown services and methods are answered UNIMPLEMENTED by UnknownMethodAnswer at the pipeline's end,
            // not by Grpc.AspNetCore's catch-all routes, which every call would match as well (docs/adr/0025).
            options.IgnoreUnknownServices = true;
        });
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IStartupFilter, UnknownMethodAnswer>());
        services.AddOptions<GrpcServiceOptions>().Configure<IOptions<GatewayLimits>>((grpc, limits) =>
        {
            // Checked by Grpc.AspNetCore after decompression: a gzip bomb is refused with RESOURCE_EXHAUSTED.
            grpc.MaxReceiveMessageSize = limits.Value.MaxMessageBytes;
            grpc.MaxSendMessageSize = limits.Value.MaxSendMessageBytes;
            configure?.Invoke(grpc);
        });

        // Cached read responses (Strive:ResponseCache), served while the local activation announces the version they
        // show (docs/adr/0014); the grains of a co-hosted silo announce to the same ActivationVersions.
        services.AddOptions<ResponseCacheOptions>().BindConfiguration(ResponseCacheOptions.SectionName).ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ResponseCacheOptions>, ResponseCacheOptionsValidation>());
        services.TryAddSingleton<ActivationVersions>();
        services.TryAddSingleton<ResponseCache>();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<PartnershipService>, CachedReadMethods>());
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IServiceMethodProvider<IndicatorService>, CachedReadMethods>());

        services.TryAddSingleton<PartnershipService>();
        services.TryAddSingleton<IndicatorService>();
        services.TryAddSingleton<CohortService>();
        services.TryAddSingleton<NetworkService>();
        services.TryAddSingleton<FrameworkService>();
        services.TryAddSingleton<AdminService>();
        services.TryAddSingleton<GatewayHealth>();
        services.AddGrpcReflection();
        return services;
    }
}
