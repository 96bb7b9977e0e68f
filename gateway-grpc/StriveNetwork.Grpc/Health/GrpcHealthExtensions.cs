using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Grpc.Health;

/// <summary>Serves grpc.health.v1.Health (Check, Watch) from <see cref="HealthStatusRegistry"/>.</summary>
public static class GrpcHealthExtensions
{
    /// <summary>Registers the health service and its <see cref="HealthStatusRegistry"/> singleton.</summary>
    public static IServiceCollection AddGrpcHealth(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.TryAddSingleton<HealthStatusRegistry>();
        return services.AddGrpcService(HealthReflection.Descriptor.Services[0], static (builder, provider) =>
        {
            var registry = provider.GetRequiredService<HealthStatusRegistry>();
            builder.Unary<HealthCheckRequest, HealthCheckResponse>("Check", (request, _) =>
            {
                var status = registry.GetStatus(request.Service)
                    ?? throw new GrpcStatusException(StatusCode.NotFound, $"Unknown service '{request.Service}'.");
                return Task.FromResult(new HealthCheckResponse { Status = status });
            });
            builder.ServerStreaming<HealthCheckRequest, HealthCheckResponse>("Watch", async (request, responses, context) =>
            {
                var reader = registry.Watch(request.Service, context.CancellationToken);
                try
                {
                    await foreach (var status in reader.ReadAllAsync(context.CancellationToken).ConfigureAwait(false))
                    {
                        await responses.WriteAsync(new HealthCheckResponse { Status = status }, context.CancellationToken).ConfigureAwait(false);
                    }
                }
                catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
                {
                    // Watch ends only when the client goes away or the deadline passes.
                }
            });
        });
    }
}
