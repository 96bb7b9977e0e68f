using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Grpc.Server;
using V1 = Grpc.Reflection.V1;
using V1Alpha = Grpc.Reflection.V1Alpha;

namespace StriveNetwork.Grpc.Reflection;

/// <summary>Serves grpc.reflection.v1 and v1alpha ServerReflection over the registered services.</summary>
public static class GrpcReflectionExtensions
{
    /// <summary>Registers both reflection services; they describe every service in the registry.</summary>
    public static IServiceCollection AddGrpcReflection(this IServiceCollection services)
    {
        ArgumentNullException.ThrowIfNull(services);
        services.AddGrpcService(V1.ReflectionReflection.Descriptor.Services[0], static (builder, provider) =>
        {
            var index = new Lazy<ReflectionIndex>(() => new ReflectionIndex(provider.GetRequiredService<GrpcServiceRegistry>().Services));
            builder.DuplexStreaming<V1.ServerReflectionRequest, V1.ServerReflectionResponse>("ServerReflectionInfo", async (requests, responses, context) =>
            {
                await foreach (var request in requests.ConfigureAwait(false))
                {
                    await responses.WriteAsync(index.Value.Answer(request), context.CancellationToken).ConfigureAwait(false);
                }
            });
        });

        // v1alpha has the same wire schema as v1, so requests and answers convert through their bytes.
        return services.AddGrpcService(V1Alpha.ReflectionReflection.Descriptor.Services[0], static (builder, provider) =>
        {
            var index = new Lazy<ReflectionIndex>(() => new ReflectionIndex(provider.GetRequiredService<GrpcServiceRegistry>().Services));
            builder.DuplexStreaming<V1Alpha.ServerReflectionRequest, V1Alpha.ServerReflectionResponse>("ServerReflectionInfo", async (requests, responses, context) =>
            {
                await foreach (var request in requests.ConfigureAwait(false))
                {
                    var answer = index.Value.Answer(ReflectionIndex.Convert(request, V1.ServerReflectionRequest.Parser));
                    await responses.WriteAsync(ReflectionIndex.Convert(answer, V1Alpha.ServerReflectionResponse.Parser), context.CancellationToken).ConfigureAwait(false);
                }
            });
        });
    }
}
