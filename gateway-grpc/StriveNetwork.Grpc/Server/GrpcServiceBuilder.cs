using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace StriveNetwork.Grpc.Server;

/// <summary>
/// Binds handlers to the methods of one protobuf service by name. Shapes and message types are checked against
/// the descriptor; methods left unbound answer UNIMPLEMENTED.
/// </summary>
public sealed class GrpcServiceBuilder
{
    private readonly Dictionary<string, GrpcMethodBinding> _bindings = new(StringComparer.Ordinal);

    /// <summary>Creates a builder for <paramref name="service"/>.</summary>
    public GrpcServiceBuilder(ServiceDescriptor service)
    {
        ArgumentNullException.ThrowIfNull(service);
        Service = service;
    }

    /// <summary>The service being bound.</summary>
    public ServiceDescriptor Service { get; }

    internal IReadOnlyCollection<GrpcMethodBinding> Bindings => _bindings.Values;

    /// <summary>Binds a unary method.</summary>
    public GrpcServiceBuilder Unary<TRequest, TResponse>(string methodName, UnaryHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = Resolve<TRequest, TResponse>(methodName, GrpcMethodType.Unary);
        return Add(new UnaryBinding<TRequest, TResponse>(method, new MessageParser<TRequest>(() => new TRequest()), handler));
    }

    /// <summary>Binds a server-streaming method.</summary>
    public GrpcServiceBuilder ServerStreaming<TRequest, TResponse>(string methodName, ServerStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = Resolve<TRequest, TResponse>(methodName, GrpcMethodType.ServerStreaming);
        return Add(new ServerStreamingBinding<TRequest, TResponse>(method, new MessageParser<TRequest>(() => new TRequest()), handler));
    }

    /// <summary>Binds a client-streaming method.</summary>
    public GrpcServiceBuilder ClientStreaming<TRequest, TResponse>(string methodName, ClientStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = Resolve<TRequest, TResponse>(methodName, GrpcMethodType.ClientStreaming);
        return Add(new ClientStreamingBinding<TRequest, TResponse>(method, new MessageParser<TRequest>(() => new TRequest()), handler));
    }

    /// <summary>Binds a bidirectional-streaming method.</summary>
    public GrpcServiceBuilder DuplexStreaming<TRequest, TResponse>(string methodName, DuplexStreamingHandler<TRequest, TResponse> handler)
        where TRequest : class, IMessage<TRequest>, new()
        where TResponse : class, IMessage<TResponse>
    {
        ArgumentNullException.ThrowIfNull(handler);
        var method = Resolve<TRequest, TResponse>(methodName, GrpcMethodType.DuplexStreaming);
        return Add(new DuplexStreamingBinding<TRequest, TResponse>(method, new MessageParser<TRequest>(() => new TRequest()), handler));
    }

    private GrpcServiceBuilder Add(GrpcMethodBinding binding)
    {
        if (!_bindings.TryAdd(binding.Method.Name, binding))
        {
            throw new InvalidOperationException($"Method '{binding.Path}' is already bound.");
        }

        return this;
    }

    private MethodDescriptor Resolve<TRequest, TResponse>(string methodName, GrpcMethodType expected)
    {
        ArgumentException.ThrowIfNullOrEmpty(methodName);
        var method = Service.FindMethodByName(methodName)
            ?? throw new ArgumentException($"Service '{Service.FullName}' has no method '{methodName}'.", nameof(methodName));
        var actual = (method.IsClientStreaming, method.IsServerStreaming) switch
        {
            (false, false) => GrpcMethodType.Unary,
            (false, true) => GrpcMethodType.ServerStreaming,
            (true, false) => GrpcMethodType.ClientStreaming,
            _ => GrpcMethodType.DuplexStreaming,
        };
        if (actual != expected)
        {
            throw new ArgumentException($"Method '{Service.FullName}/{methodName}' is {actual}, not {expected}.", nameof(methodName));
        }

        if (method.InputType.ClrType is { } input && input != typeof(TRequest))
        {
            throw new ArgumentException($"Method '{methodName}' takes {method.InputType.FullName}, not {typeof(TRequest).Name}.", nameof(methodName));
        }

        if (method.OutputType.ClrType is { } output && output != typeof(TResponse))
        {
            throw new ArgumentException($"Method '{methodName}' returns {method.OutputType.FullName}, not {typeof(TResponse).Name}.", nameof(methodName));
        }

        return method;
    }
}
