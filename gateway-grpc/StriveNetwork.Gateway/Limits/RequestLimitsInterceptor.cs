using System.Globalization;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// Enforces the request limits of every call, inside the token check (so an unauthenticated caller is told
/// UNAUTHENTICATED before anything else): field lengths and list sizes of every request message
/// (<see cref="RequestFieldValidator"/>), the stream limits of every client stream (<see cref="LimitedStreamReader{T}"/>),
/// open streaming calls per bearer token, and open public streams (health Watch, reflection) per remote address.
/// </summary>
public sealed partial class RequestLimitsInterceptor(
    IOptions<GatewayLimits> options,
    OpenStreamCounter openStreams,
    TimeProvider timeProvider,
    GatewayMetrics metrics,
    ILogger<RequestLimitsInterceptor> logger) : Interceptor
{
    private readonly GatewayLimits _limits = options.Value;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        RequestFieldValidator.Check(request);
        return continuation(request, context);
    }

    public override async Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        using var slot = AcquireStreamSlot(context);
        return await continuation(Limited(requestStream, context), context).ConfigureAwait(false);
    }

    public override async Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        RequestFieldValidator.Check(request);
        using var slot = AcquireStreamSlot(context);
        await continuation(request, responseStream, context).ConfigureAwait(false);
    }

    public override async Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        using var slot = AcquireStreamSlot(context);
        await continuation(Limited(requestStream, context), responseStream, context).ConfigureAwait(false);
    }

    /// <summary>The remote IP address of a call as text ("unknown" when the transport has none, e.g. in-memory tests).</summary>
    public static string RemoteAddress(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.GetHttpContext().Connection.RemoteIpAddress;
        return address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    private LimitedStreamReader<T> Limited<T>(IAsyncStreamReader<T> requestStream, ServerCallContext context) =>
        AccessPolicy.IsPublic(context.Method)
            ? new(requestStream, _limits, _limits.PublicStreamLifetime, nameof(GatewayLimits.PublicStreamLifetime), timeProvider, metrics)
            : new(requestStream, _limits, _limits.MaxStreamDuration, nameof(GatewayLimits.MaxStreamDuration), timeProvider, metrics);

    private IDisposable AcquireStreamSlot(ServerCallContext context)
    {
        if (AccessPolicy.IsPublic(context.Method))
        {
            var address = RemoteAddress(context);
            return openStreams.TryAcquire("ip:" + address, _limits.MaxPublicStreamsPerClient) ?? throw Refused(
                context,
                nameof(GatewayLimits.MaxPublicStreamsPerClient),
                $"at most {_limits.MaxPublicStreamsPerClient} open health and reflection streams per client address (limit MaxPublicStreamsPerClient)");
        }

        var tokenId = context.GetCaller().TokenId;
        return openStreams.TryAcquire("token:" + tokenId, _limits.MaxStreamsPerToken) ?? throw Refused(
            context,
            nameof(GatewayLimits.MaxStreamsPerToken),
            $"at most {_limits.MaxStreamsPerToken} open streaming calls per token (limit MaxStreamsPerToken); end one first");
    }

    private RpcException Refused(ServerCallContext context, string limit, FormattableString message)
    {
        LogStreamRefused(logger, context.Method);
        metrics.LimitRefused(limit);
        return GatewayErrors.Of(StatusCode.ResourceExhausted, message.ToString(CultureInfo.InvariantCulture));
    }

    [LoggerMessage(EventId = 6050, EventName = "StreamRefused", Level = LogLevel.Information, Message = "Refused a streaming call to {Method}: too many open streams for its token or address")]
    private static partial void LogStreamRefused(ILogger logger, string method);
}
