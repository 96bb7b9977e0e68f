using Google.Protobuf;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Client;

namespace StriveNetwork.Gateway.Tests;

/// <summary>strive.v1 unary calls with a bearer token (shared with StriveNetwork.Silo.Tests as a linked file).</summary>
public static class StriveCalls
{
    /// <summary>Per-call timeout: generous, the machine is shared; a hang still fails the test.</summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    /// <summary>Call options carrying <c>authorization: Bearer token</c> (none when null).</summary>
    public static GrpcCallOptions Options(string? token)
    {
        var headers = new GrpcMetadata();
        if (token is not null)
        {
            headers.Add("authorization", "Bearer " + token);
        }

        return new GrpcCallOptions { Headers = headers, Timeout = Timeout };
    }

    /// <summary>Calls <c>/strive.v1.{method}</c>, e.g. <c>NetworkService/GetNetworkRollup</c>.</summary>
    public static async Task<TResponse> CallAsync<TRequest, TResponse>(this GrpcChannelClient client, string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        ArgumentNullException.ThrowIfNull(client);
        var result = await client.UnaryAsync<TRequest, TResponse>("/strive.v1." + method, request, Options(token));
        return result.Response;
    }

    /// <summary>The status a call ends with (OK when it succeeds) and its message.</summary>
    public static async Task<(StatusCode Code, string Message)> StatusOfAsync<TRequest, TResponse>(this GrpcChannelClient client, string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        try
        {
            await client.CallAsync<TRequest, TResponse>(token, method, request);
            return (StatusCode.OK, "");
        }
        catch (GrpcStatusException exception)
        {
            return (exception.StatusCode, exception.Detail);
        }
    }
}
