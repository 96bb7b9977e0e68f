using Google.Protobuf;
using Grpc.Core;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// strive.v1 calls by method name with a bearer token, over any gRPC channel (Grpc.Net.Client's GrpcChannel).
/// Shared with StriveNetwork.Silo.Tests as a linked file. Methods are built from the message types, so table-driven
/// tests can name any RPC as "Service/Method" without a generated client per service.
/// </summary>
public static class StriveCalls
{
    /// <summary>Per-call deadline: generous, the machine is shared; a hang still fails the test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Call options carrying <c>authorization: Bearer token</c> (none when null) and the deadline.</summary>
    public static CallOptions Options(string? token, CancellationToken cancellationToken = default)
    {
        var headers = new Metadata();
        if (token is not null)
        {
            headers.Add("authorization", "Bearer " + token);
        }

        return new CallOptions(headers, DateTime.UtcNow + Timeout, cancellationToken);
    }

    /// <summary>The method <c>/strive.v1.{method}</c>, e.g. <c>NetworkService/GetNetworkRollup</c>.</summary>
    public static Method<TRequest, TResponse> Method<TRequest, TResponse>(MethodType type, string method)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(method);
        var slash = method.IndexOf('/', StringComparison.Ordinal);
        return new Method<TRequest, TResponse>(
            type,
            "strive.v1." + method[..slash],
            method[(slash + 1)..],
            Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException("clients only send requests")),
            Marshallers.Create(m => m.ToByteArray(), Parser<TResponse>.Instance.ParseFrom));
    }

    /// <summary>Calls the unary <c>/strive.v1.{method}</c>; a status other than OK throws <see cref="RpcException"/>.</summary>
    public static async Task<TResponse> CallAsync<TRequest, TResponse>(this ChannelBase channel, string? token, string method, TRequest request, Metadata? headers = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(channel);
        var options = Options(token);
        foreach (var header in headers ?? [])
        {
            options.Headers!.Add(header);
        }

        using var call = channel.CreateCallInvoker().AsyncUnaryCall(Method<TRequest, TResponse>(MethodType.Unary, method), null, options, request);
        return await call.ResponseAsync;
    }

    /// <summary>The status a call ends with (OK when it succeeds) and its message.</summary>
    public static async Task<(StatusCode Code, string Message)> StatusOfAsync<TRequest, TResponse>(this ChannelBase channel, string? token, string method, TRequest request, Metadata? headers = null)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        try
        {
            await channel.CallAsync<TRequest, TResponse>(token, method, request, headers);
            return (StatusCode.OK, "");
        }
        catch (RpcException exception)
        {
            return (exception.StatusCode, exception.Status.Detail);
        }
    }

    private static class Parser<T>
        where T : class, IMessage<T>, new()
    {
        public static readonly MessageParser<T> Instance = new(() => new T());
    }
}
