using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;
using StriveNetwork.Gateway.Services;

namespace StriveNetwork.Gateway;

/// <summary>Maps the strive.v1 gateway's gRPC endpoints (registered with <see cref="GatewayServiceCollectionExtensions.AddStriveGateway"/>).</summary>
public static class GatewayEndpointRouteBuilderExtensions
{
    /// <summary>Maps every strive.v1 service, <c>grpc.health.v1.Health</c> and server reflection (v1 and v1alpha).</summary>
    public static IEndpointRouteBuilder MapStriveGateway(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGrpcService<PartnershipService>();
        endpoints.MapGrpcService<IndicatorService>();
        endpoints.MapGrpcService<CohortService>();
        endpoints.MapGrpcService<NetworkService>();
        endpoints.MapGrpcService<FrameworkService>();
        endpoints.MapGrpcService<AdminService>();
        endpoints.MapGrpcService<GatewayHealth>();
        endpoints.MapGrpcReflectionService();
        return endpoints;
    }
}
