using Google.Protobuf.Reflection;

namespace StriveNetwork.Grpc.Server;

/// <summary>How one service is bound: its descriptor plus a callback that binds handlers (with DI access).</summary>
public sealed record GrpcServiceRegistration(ServiceDescriptor Service, Action<GrpcServiceBuilder, IServiceProvider> Bind);

/// <summary>All bound services of the server, indexed by method path.</summary>
public sealed class GrpcServiceRegistry
{
    private readonly Dictionary<string, GrpcMethodBinding> _methods = new(StringComparer.Ordinal);
    private readonly List<ServiceDescriptor> _services = [];

    /// <summary>Builds the registry from the registrations in DI.</summary>
    public GrpcServiceRegistry(IEnumerable<GrpcServiceRegistration> registrations, IServiceProvider services)
    {
        ArgumentNullException.ThrowIfNull(registrations);
        foreach (var registration in registrations)
        {
            if (_services.Any(s => s.FullName == registration.Service.FullName))
            {
                throw new InvalidOperationException($"Service '{registration.Service.FullName}' is registered twice.");
            }

            var builder = new GrpcServiceBuilder(registration.Service);
            registration.Bind(builder, services);
            _services.Add(registration.Service);
            foreach (var binding in builder.Bindings)
            {
                _methods.Add(binding.Path, binding);
            }
        }
    }

    /// <summary>The registered services (bound or not).</summary>
    public IReadOnlyList<ServiceDescriptor> Services => _services;

    internal IEnumerable<GrpcMethodBinding> Methods => _methods.Values;

    internal GrpcMethodBinding? Find(string path) => _methods.GetValueOrDefault(path);
}
