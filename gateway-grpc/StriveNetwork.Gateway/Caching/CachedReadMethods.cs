using Grpc.AspNetCore.Server.Model;
using Grpc.Core;
using StriveNetwork.Gateway.Services;

namespace StriveNetwork.Gateway.Caching;

/// <summary>
/// Binds the cached reads with their own <see cref="Method{TRequest, TResponse}"/>s, whose response marshaller writes
/// an <see cref="EncodedResponse"/>'s bytes unchanged (docs/adr/0014). Grpc.AspNetCore binds a service's methods
/// through the BindService method its <see cref="BindServiceMethodAttribute"/> names; the services name one that
/// binds every generated method except these (<see cref="ExceptBinder"/>), and this provider adds these.
/// </summary>
internal sealed class CachedReadMethods : IServiceMethodProvider<PartnershipService>, IServiceMethodProvider<IndicatorService>
{
    /// <summary>Methods of strive.v1.PartnershipService bound here.</summary>
    public static readonly IReadOnlySet<string> PartnershipMethods = new HashSet<string>(StringComparer.Ordinal) { "GetProgress", "GetPartnership" };

    /// <summary>Methods of strive.v1.IndicatorService bound here.</summary>
    public static readonly IReadOnlySet<string> IndicatorMethods = new HashSet<string>(StringComparer.Ordinal) { "GetIndicator" };

    private static readonly string PartnershipServiceName = V1.PartnershipService.Descriptor.FullName;
    private static readonly string IndicatorServiceName = V1.IndicatorService.Descriptor.FullName;

    /// <summary>strive.v1.PartnershipService/GetProgress answered with encoded bytes.</summary>
    public static readonly Method<V1.GetProgressRequest, EncodedResponse> GetProgress = new(
        MethodType.Unary, PartnershipServiceName, "GetProgress", EncodedResponse.RequestMarshaller(V1.GetProgressRequest.Parser), EncodedResponse.Marshaller);

    /// <summary>strive.v1.PartnershipService/GetPartnership answered with encoded bytes.</summary>
    public static readonly Method<V1.GetPartnershipRequest, EncodedResponse> GetPartnership = new(
        MethodType.Unary, PartnershipServiceName, "GetPartnership", EncodedResponse.RequestMarshaller(V1.GetPartnershipRequest.Parser), EncodedResponse.Marshaller);

    /// <summary>strive.v1.IndicatorService/GetIndicator answered with encoded bytes.</summary>
    public static readonly Method<V1.GetIndicatorRequest, EncodedResponse> GetIndicator = new(
        MethodType.Unary, IndicatorServiceName, "GetIndicator", EncodedResponse.RequestMarshaller(V1.GetIndicatorRequest.Parser), EncodedResponse.Marshaller);

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<PartnershipService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddUnaryMethod(GetProgress, Metadata<PartnershipService>(), static (service, request, call) => service.GetProgressEncoded(request, call));
        context.AddUnaryMethod(GetPartnership, Metadata<PartnershipService>(), static (service, request, call) => service.GetPartnershipEncoded(request, call));
    }

    public void OnServiceMethodDiscovery(ServiceMethodProviderContext<IndicatorService> context)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.AddUnaryMethod(GetIndicator, Metadata<IndicatorService>(), static (service, request, call) => service.GetIndicatorEncoded(request, call));
    }

    // The endpoint metadata Grpc.AspNetCore gives a bound method: the service type's attributes.
    private static List<object> Metadata<TService>() => [.. typeof(TService).GetCustomAttributes(inherit: true)];

    /// <summary>Forwards every method to the real binder except those named in <c>except</c> (bound by <see cref="CachedReadMethods"/>).</summary>
    internal sealed class ExceptBinder(ServiceBinderBase inner, IReadOnlySet<string> except) : ServiceBinderBase
    {
        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, UnaryServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!except.Contains(method.Name))
            {
                inner.AddMethod(method, handler);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ClientStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!except.Contains(method.Name))
            {
                inner.AddMethod(method, handler);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, ServerStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!except.Contains(method.Name))
            {
                inner.AddMethod(method, handler);
            }
        }

        public override void AddMethod<TRequest, TResponse>(Method<TRequest, TResponse> method, DuplexStreamingServerMethod<TRequest, TResponse>? handler)
        {
            ArgumentNullException.ThrowIfNull(method);
            if (!except.Contains(method.Name))
            {
                inner.AddMethod(method, handler);
            }
        }
    }
}
