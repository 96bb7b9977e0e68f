using Google.Protobuf;
using Google.Protobuf.Reflection;

namespace StriveNetwork.Grpc.Server;

/// <summary>The four RPC shapes.</summary>
public enum GrpcMethodType
{
    /// <summary>One request, one response.</summary>
    Unary,
    /// <summary>One request, a stream of responses.</summary>
    ServerStreaming,
    /// <summary>A stream of requests, one response.</summary>
    ClientStreaming,
    /// <summary>Streams both ways.</summary>
    DuplexStreaming,
}

/// <summary>A method bound to a handler: knows how to run one call of its shape.</summary>
internal abstract class GrpcMethodBinding(MethodDescriptor method)
{
    public MethodDescriptor Method { get; } = method;

    public string Path { get; } = "/" + method.Service.FullName + "/" + method.Name;

    public GrpcMethodType Type { get; } = (method.IsClientStreaming, method.IsServerStreaming) switch
    {
        (false, false) => GrpcMethodType.Unary,
        (false, true) => GrpcMethodType.ServerStreaming,
        (true, false) => GrpcMethodType.ClientStreaming,
        _ => GrpcMethodType.DuplexStreaming,
    };

    public abstract Task InvokeAsync(GrpcServerCall call);

    protected static async Task<TRequest> ReadSingleAsync<TRequest>(GrpcServerCall call, MessageParser<TRequest> parser)
        where TRequest : class, IMessage<TRequest>
    {
        var token = call.Context.CancellationToken;
        var request = await call.ReadMessageAsync(parser, token).ConfigureAwait(false)
            ?? throw new GrpcStatusException(StatusCode.Unimplemented, "Request did not contain a message (the method requires exactly one).");
        if (await call.ReadMessageAsync(parser, token).ConfigureAwait(false) is not null)
        {
            throw new GrpcStatusException(StatusCode.Unimplemented, "Request contained more than one message (the method requires exactly one).");
        }

        return request;
    }

    protected static void EnsureResponse(object? response)
    {
        if (response is null)
        {
            throw new GrpcStatusException(StatusCode.Cancelled, "No message returned from method.");
        }
    }
}

internal sealed class UnaryBinding<TRequest, TResponse>(MethodDescriptor method, MessageParser<TRequest> parser, UnaryHandler<TRequest, TResponse> handler)
    : GrpcMethodBinding(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override Task InvokeAsync(GrpcServerCall call)
    {
        // Fast path: the whole request (HEADERS + DATA with END_STREAM) is usually buffered by the time the
        // call runs, so it is parsed and answered without suspending any state machine.
        var reader = call.HttpContext.Request.BodyReader;
        if (!reader.TryRead(out var result))
        {
            return InvokeSlowAsync(call);
        }

        if (!result.IsCompleted)
        {
            reader.AdvanceTo(result.Buffer.Start, result.Buffer.Start);
            return InvokeSlowAsync(call);
        }

        TRequest request;
        try
        {
            request = call.ParseSingle(result.Buffer, parser);
        }
        finally
        {
            reader.AdvanceTo(result.Buffer.End);
        }

        var pending = handler(request, call.Context);
        return pending.IsCompletedSuccessfully ? WriteAsync(call, pending.Result) : AwaitHandlerAsync(call, pending);
    }

    private static Task WriteAsync(GrpcServerCall call, TResponse response)
    {
        EnsureResponse(response);
        return call.WriteMessageAsync(response, flush: false, call.Context.CancellationToken);
    }

    private static async Task AwaitHandlerAsync(GrpcServerCall call, Task<TResponse> pending)
    {
        var response = await pending.ConfigureAwait(false);
        await WriteAsync(call, response).ConfigureAwait(false);
    }

    private async Task InvokeSlowAsync(GrpcServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
        var response = await handler(request, call.Context).ConfigureAwait(false);
        await WriteAsync(call, response).ConfigureAwait(false);
    }
}

internal sealed class ServerStreamingBinding<TRequest, TResponse>(MethodDescriptor method, MessageParser<TRequest> parser, ServerStreamingHandler<TRequest, TResponse> handler)
    : GrpcMethodBinding(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override async Task InvokeAsync(GrpcServerCall call)
    {
        var request = await ReadSingleAsync(call, parser).ConfigureAwait(false);
        await handler(request, new GrpcResponseStream<TResponse>(call), call.Context).ConfigureAwait(false);
    }
}

internal sealed class ClientStreamingBinding<TRequest, TResponse>(MethodDescriptor method, MessageParser<TRequest> parser, ClientStreamingHandler<TRequest, TResponse> handler)
    : GrpcMethodBinding(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override async Task InvokeAsync(GrpcServerCall call)
    {
        var response = await handler(new GrpcRequestStream<TRequest>(call, parser), call.Context).ConfigureAwait(false);
        EnsureResponse(response);
        await call.WriteMessageAsync(response, flush: false, call.Context.CancellationToken).ConfigureAwait(false);
    }
}

internal sealed class DuplexStreamingBinding<TRequest, TResponse>(MethodDescriptor method, MessageParser<TRequest> parser, DuplexStreamingHandler<TRequest, TResponse> handler)
    : GrpcMethodBinding(method)
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>
{
    public override Task InvokeAsync(GrpcServerCall call) =>
        handler(new GrpcRequestStream<TRequest>(call, parser), new GrpcResponseStream<TResponse>(call), call.Context);
}
