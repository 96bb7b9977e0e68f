using System.Diagnostics;
using System.Globalization;
using Grpc.AspNetCore.Server;
using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Limits;
using StriveNetwork.Gateway.Telemetry;
using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Gateway.Interceptors;

/// <summary>
/// The front door's one interceptor: every call, of any kind, passes these steps in this order (docs/gateway.md):
/// <list type="number">
/// <item>duration and final status into <see cref="GatewayMetrics"/>, and one log line (method, status, duration;
/// never request data);</item>
/// <item>the status mapping of <see cref="GrainErrorMapping"/> (it also covers the token lookup's grain call);</item>
/// <item>the bearer token: looked up (<see cref="TokenAuthenticator"/>), checked against <see cref="AccessPolicy"/>,
/// registered in <see cref="OpenCallRegistry"/> for the call's lifetime so that a revocation or expiry ends it
/// (UNAUTHENTICATED) within the poll interval, even when the handler ignores its cancellation;</item>
/// <item>the request limits, after the token check so that an unauthenticated caller learns only that: field lengths
/// and list sizes of request messages (<see cref="RequestFieldValidator"/>), the limits of client streams
/// (<see cref="LimitedStreamReader{T}"/>), open streaming calls per token, open public streams per address.</item>
/// </list>
/// </summary>
/// <remarks>
/// One interceptor rather than five (ADR 0014's addendum): one state machine per call instead of five nested ones, and
/// none at all when the token's lookup is cached and the handler answers synchronously (a cached read), which is the
/// common small call. On that path nothing is allocated for the token (its hash is computed on the stack and looked
/// up by span), the caller is the cached authentication's, the registration creates no cancellation source until a
/// handler asks for the token, and the log line is skipped before its arguments are computed when its level is off.
/// </remarks>
public sealed partial class FrontDoorInterceptor(
    TokenAuthenticator authenticator,
    OpenCallRegistry openCalls,
    GrainErrorMapping errors,
    IOptions<GatewayLimits> limits,
    OpenStreamCounter openStreams,
    TimeProvider timeProvider,
    GatewayMetrics metrics,
    ILogger<FrontDoorInterceptor> logger) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    // A handler ended here gets this long to notice its cancellation and finish before the call's status is sent
    // without it (the budget is one second from the revocation).
    private static readonly TimeSpan HandlerGrace = TimeSpan.FromMilliseconds(200);

    // Bound of re-authentications when the revocation epoch moves while a call registers (it practically never does twice).
    private const int MaxRegistrations = 4;

    // Grpc.AspNetCore's context type (internal), whose GetHttpContext() is a type check; null if a version renames it,
    // and then the headers are read through RequestHeaders as before.
    private static readonly Type? AspNetCoreCallContext =
        typeof(GrpcServiceOptions).Assembly.GetType("Grpc.AspNetCore.Server.Internal.HttpContextServerCallContext", throwOnError: false);

    private readonly GatewayLimits _limits = limits.Value;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return Intercept<TResponse, Unary<TRequest, TResponse>>(context, new(request, continuation));
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return Intercept<TResponse, ClientStreaming<TRequest, TResponse>>(context, new(this, requestStream, continuation));
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return Intercept<bool, ServerStreaming<TRequest, TResponse>>(context, new(request, responseStream, continuation));
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return Intercept<bool, DuplexStreaming<TRequest, TResponse>>(context, new(this, requestStream, responseStream, continuation));
    }

    /// <summary>The remote IP address of a call as text ("unknown" when the transport has none, e.g. in-memory tests).</summary>
    public static string RemoteAddress(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var address = context.GetHttpContext().Connection.RemoteIpAddress;
        return address is null ? "unknown" : (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString();
    }

    // The synchronous part of every call: up to the handler's first await. Returns the handler's task when it is done
    // and nothing else is pending (no state machine at all), else the task of the asynchronous rest.
    private Task<T> Intercept<T, THandler>(ServerCallContext context, THandler handler)
        where THandler : struct, ICallHandler<T>
    {
        ArgumentNullException.ThrowIfNull(context);
        var started = Stopwatch.GetTimestamp();
        OpenCall? call = null;
        IDisposable? slot = null;
        try
        {
            if (AccessPolicy.IsPublic(context.Method))
            {
                handler.Check();
                slot = handler.Streaming ? AcquirePublicSlot(context) : null;
                return Run(context, null, slot, handler.Invoke(context), started);
            }

            Span<char> hash = stackalloc char[TokenSecrets.HashLength];
            HashOfBearer(context, hash);
            if (!authenticator.TryAuthenticateCached(hash, out var authentication, out var secretHash))
            {
                return AuthenticateThenRunAsync<T, THandler>(context, handler, hash.ToString(), started);
            }

            var caller = Admit(context, authentication);
            call = openCalls.Register(caller.TokenId, secretHash, authentication.Token!.ExpireTime, context.CancellationToken);
            if (authenticator.SeenEpoch > authentication.Epoch)
            {
                // A revocation may have slipped in between the lookup and the registration: the slow path checks again.
                call.Dispose();
                call = null;
                return AuthenticateThenRunAsync<T, THandler>(context, handler, secretHash, started);
            }

            handler.Check();
            slot = handler.Streaming ? AcquireTokenSlot(context, caller) : null;
            return Run(context, call, slot, handler.Invoke(new AuthorizedServerCallContext(context, call, caller)), started);
        }
        catch (Exception exception)
        {
            var failure = Failed(context, call, exception, started);
            slot?.Dispose();
            call?.Dispose();
            return Task.FromException<T>(failure);
        }
    }

    private Task<T> Run<T>(ServerCallContext context, OpenCall? call, IDisposable? slot, Task<T> handler, long started)
    {
        if (handler.IsCompletedSuccessfully && (call is null || call.EndReason == TokenRejection.None))
        {
            slot?.Dispose();
            call?.Dispose();
            Finished(context.Method, StatusCode.OK, started);
            return handler;
        }

        return RunAsync(context, call, slot, handler, started);
    }

    private async Task<T> RunAsync<T>(ServerCallContext context, OpenCall? call, IDisposable? slot, Task<T> handler, long started)
    {
        try
        {
            T result;
            try
            {
                result = call is null ? await handler.ConfigureAwait(false) : await WatchAsync(context, call, handler).ConfigureAwait(false);
            }
            finally
            {
                slot?.Dispose();
                call?.Dispose();
            }

            Finished(context.Method, StatusCode.OK, started);
            return result;
        }
        catch (Exception exception)
        {
            throw Failed(context, null, exception, started);
        }
    }

    // The token was not in the cache (or the revocation epoch moved): the lookup's grain call, then as above.
    private async Task<T> AuthenticateThenRunAsync<T, THandler>(ServerCallContext context, THandler handler, string hash, long started)
        where THandler : struct, ICallHandler<T>
    {
        OpenCall? call = null;
        IDisposable? slot = null;
        Task<T> running;
        try
        {
            var authentication = await AuthenticateAsync(context, hash).ConfigureAwait(false);
            var caller = Admit(context, authentication);
            call = await RegisterAsync(context, hash, authentication).ConfigureAwait(false);
            handler.Check();
            slot = handler.Streaming ? AcquireTokenSlot(context, caller) : null;
            running = handler.Invoke(new AuthorizedServerCallContext(context, call, caller));
        }
        catch (Exception exception)
        {
            var failure = Failed(context, call, exception, started);
            slot?.Dispose();
            call?.Dispose();
            throw failure;
        }

        return await Run(context, call, slot, running, started).ConfigureAwait(false);
    }

    // The bearer secret of the call, hashed into hash (64 lower-case hex characters); throws UNAUTHENTICATED when the
    // metadata is missing or malformed.
    private void HashOfBearer(ServerCallContext context, Span<char> hash)
    {
        var header = AuthorizationOf(context);
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Reject(context, "missing bearer token: send metadata 'authorization: Bearer <token>'");
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Reject(context, "malformed authorization metadata: expected 'Bearer <token>'");
        }

        var secret = header.AsSpan(BearerPrefix.Length).Trim();
        if (!TokenSecrets.HasSecretShape(secret))
        {
            throw Reject(context, "malformed bearer token: expected 'snt_' followed by 43 url-safe base64 characters");
        }

        TokenSecrets.Hash(secret, hash);
    }

    // The last authorization header of the call, as ServerCallContext.RequestHeaders.GetValue would answer. On
    // Grpc.AspNetCore's own context it is read from the HTTP request: RequestHeaders builds a Metadata of every header
    // on first use, which the front door's fast path does not need (docs/adr/0014, addendum on the unary profile).
    private static string? AuthorizationOf(ServerCallContext context)
    {
        if (AspNetCoreCallContext is not null && context.GetType() == AspNetCoreCallContext)
        {
            var values = context.GetHttpContext().Request.Headers.Authorization;
            return values.Count == 0 ? null : values[values.Count - 1];
        }

        return context.RequestHeaders.GetValue("authorization");
    }

    // Rejects a token that does not authenticate, and a role the method's access rule does not allow.
    private Caller Admit(ServerCallContext context, TokenAuthentication authentication)
    {
        switch (authentication.Rejection)
        {
            case TokenRejection.None:
                break;
            case TokenRejection.Unknown:
                throw Reject(context, "unknown bearer token");
            default:
                throw Reject(context, EndedMessage(authentication.Token!.TokenId, authentication.Rejection));
        }

        var caller = authentication.Caller!;
        if (!AccessPolicy.Methods.TryGetValue(context.Method, out var roles))
        {
            // A method mapped beside strive.v1 without a policy entry: closed until someone decides who may call it.
            LogDenied(logger, context.Method, caller.TokenId, AccessPolicy.Name(caller.Role));
            throw GatewayErrors.Of(StatusCode.PermissionDenied, $"{context.Method.TrimStart('/')} has no access rule; no role may call it");
        }

        if (Array.IndexOf(roles, caller.Role) < 0)
        {
            LogDenied(logger, context.Method, caller.TokenId, AccessPolicy.Name(caller.Role));
            throw GatewayErrors.Of(
                StatusCode.PermissionDenied,
                $"role {AccessPolicy.Name(caller.Role)} may not call {context.Method.TrimStart('/')}; allowed roles: {string.Join(", ", roles.Select(AccessPolicy.Name))}");
        }

        return caller;
    }

    private async Task<TokenAuthentication> AuthenticateAsync(ServerCallContext context, string hash)
    {
        var authentication = await authenticator.AuthenticateHashAsync(hash, context.CancellationToken).ConfigureAwait(false);
        return authentication.Rejection switch
        {
            TokenRejection.None => authentication,
            TokenRejection.Unknown => throw Reject(context, "unknown bearer token"),
            var rejection => throw Reject(context, EndedMessage(authentication.Token!.TokenId, rejection)),
        };
    }

    // Registers the call, then makes sure no revocation slipped between the authentication and the registration: the
    // watcher raises the seen epoch before it ends calls, so either it finds this call registered, or the epoch read
    // here is newer than the authentication's and the token is checked again.
    private async Task<OpenCall> RegisterAsync(ServerCallContext context, string hash, TokenAuthentication authentication)
    {
        for (var attempt = 1; ; attempt++)
        {
            var call = openCalls.Register(authentication.Token!.TokenId, hash, authentication.Token.ExpireTime, context.CancellationToken);
            if (authenticator.SeenEpoch <= authentication.Epoch)
            {
                return call;
            }

            call.Dispose();
            if (attempt == MaxRegistrations)
            {
                throw GatewayErrors.Of(StatusCode.Unavailable, "the token registry is catching up with revocations; call again");
            }

            authentication = await AuthenticateAsync(context, hash).ConfigureAwait(false);
        }
    }

    // Waits for the handler unless the call's token is revoked or expires first.
    private async Task<T> WatchAsync<T>(ServerCallContext context, OpenCall call, Task<T> handler)
    {
        try
        {
            return await handler.WaitAsync(call.Ended).ConfigureAwait(false);
        }
        catch (Exception) when (!handler.IsCompleted || handler.IsCompletedSuccessfully)
        {
            // The wait was cut short by the call's end (its client, its deadline or its token), not by the handler.
        }
        catch (Exception) when (call.EndReason != TokenRejection.None)
        {
            // The handler failed because the token went away while it ran.
            throw Ended(context, call);
        }

        if (call.EndReason == TokenRejection.None || handler.IsCompleted)
        {
            // Finished, or cancelled by its client or deadline: the handler's own outcome stands, unless it ended
            // because the token went away while it ran.
            try
            {
                return await handler.ConfigureAwait(false);
            }
            catch (Exception) when (call.EndReason != TokenRejection.None)
            {
                throw Ended(context, call);
            }
        }

        // Ended here. The handler was told through its cancellation token; it gets a short grace to finish, then the
        // call ends without it (its outcome is observed and dropped).
        try
        {
            await handler.WaitAsync(HandlerGrace).ConfigureAwait(false);
        }
        catch (Exception)
        {
            _ = handler.ContinueWith(static t => _ = t.Exception, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        }

        throw Ended(context, call);
    }

    private IDisposable AcquirePublicSlot(ServerCallContext context)
    {
        var address = RemoteAddress(context);
        return openStreams.TryAcquire("ip:" + address, _limits.MaxPublicStreamsPerClient) ?? throw Refused(
            context,
            nameof(GatewayLimits.MaxPublicStreamsPerClient),
            $"at most {_limits.MaxPublicStreamsPerClient} open health and reflection streams per client address (limit MaxPublicStreamsPerClient)");
    }

    private IDisposable AcquireTokenSlot(ServerCallContext context, Caller caller) =>
        openStreams.TryAcquire("token:" + caller.TokenId, _limits.MaxStreamsPerToken) ?? throw Refused(
            context,
            nameof(GatewayLimits.MaxStreamsPerToken),
            $"at most {_limits.MaxStreamsPerToken} open streaming calls per token (limit MaxStreamsPerToken); end one first");

    private LimitedStreamReader<T> Limited<T>(IAsyncStreamReader<T> requestStream, ServerCallContext context) =>
        AccessPolicy.IsPublic(context.Method)
            ? new(requestStream, _limits, _limits.PublicStreamLifetime, nameof(GatewayLimits.PublicStreamLifetime), timeProvider, metrics)
            : new(requestStream, _limits, _limits.MaxStreamDuration, nameof(GatewayLimits.MaxStreamDuration), timeProvider, metrics);

    private RpcException Refused(ServerCallContext context, string limit, FormattableString message)
    {
        LogStreamRefused(logger, context.Method);
        metrics.LimitRefused(limit);
        return GatewayErrors.Of(StatusCode.ResourceExhausted, message.ToString(CultureInfo.InvariantCulture));
    }

    // The status the client gets for an exception (an open call that its token's end cut short answers
    // UNAUTHENTICATED), recorded as the call's end.
    private RpcException Failed(ServerCallContext context, OpenCall? call, Exception exception, long started)
    {
        var failure = call is not null && call.EndReason != TokenRejection.None
            ? Ended(context, call)
            : errors.ToRpcException(context, exception);
        Finished(context.Method, failure.StatusCode, started);
        return failure;
    }

    private void Finished(string method, StatusCode status, long started)
    {
        var elapsed = Stopwatch.GetElapsedTime(started);
        metrics.CallFinished(method, status, elapsed);
        if (IsServerFault(status))
        {
            LogCallFailed(logger, method, status, elapsed.TotalMilliseconds);
        }
        else if (logger.IsEnabled(LogLevel.Debug))
        {
            LogCallFinished(logger, method, status, elapsed.TotalMilliseconds);
        }
    }

    // The caller's mistakes (bad input, no token, not found) are routine; these mean the server could not serve.
    private static bool IsServerFault(StatusCode status) =>
        status is StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DataLoss or StatusCode.Unimplemented;

    private RpcException Ended(ServerCallContext context, OpenCall call)
    {
        LogCallEnded(logger, context.Method, call.TokenId, call.EndReason == TokenRejection.Expired ? "expired" : "revoked");
        return GatewayErrors.Of(StatusCode.Unauthenticated, EndedMessage(call.TokenId, call.EndReason));
    }

    private static string EndedMessage(string tokenId, TokenRejection rejection) =>
        rejection == TokenRejection.Expired ? $"bearer token {tokenId} expired" : $"bearer token {tokenId} was revoked";

    private RpcException Reject(ServerCallContext context, string message)
    {
        LogUnauthenticated(logger, context.Method, message);
        return GatewayErrors.Of(StatusCode.Unauthenticated, message);
    }

    [LoggerMessage(EventId = 6000, EventName = "CallUnauthenticated", Level = LogLevel.Information, Message = "Rejected {Method}: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 6001, EventName = "CallPermissionDenied", Level = LogLevel.Information, Message = "Denied {Method} to token {TokenId} (role {Role})")]
    private static partial void LogDenied(ILogger logger, string method, string tokenId, string role);

    [LoggerMessage(EventId = 6002, EventName = "OpenCallEnded", Level = LogLevel.Information, Message = "Ended open call {Method} of token {TokenId}: the token {Reason}")]
    private static partial void LogCallEnded(ILogger logger, string method, string tokenId, string reason);

    [LoggerMessage(EventId = 6020, EventName = "CallFinished", Level = LogLevel.Debug, Message = "Call {Method} finished with {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogCallFinished(ILogger logger, string method, StatusCode status, double elapsedMs);

    [LoggerMessage(EventId = 6021, EventName = "CallFailed", Level = LogLevel.Warning, Message = "Call {Method} failed with {Status} after {ElapsedMs:0.0} ms")]
    private static partial void LogCallFailed(ILogger logger, string method, StatusCode status, double elapsedMs);

    [LoggerMessage(EventId = 6050, EventName = "StreamRefused", Level = LogLevel.Information, Message = "Refused a streaming call to {Method}: too many open streams for its token or address")]
    private static partial void LogStreamRefused(ILogger logger, string method);

    // The four kinds of call behind one generic path; structs, so the path is specialised per kind without a closure.
    private interface ICallHandler<T>
    {
        // Streaming calls take a slot of their token's (or address's) open-stream limit.
        bool Streaming { get; }

        // Checks the request message against the field limits (calls with one request message).
        void Check();

        Task<T> Invoke(ServerCallContext context);
    }

    private readonly struct Unary<TRequest, TResponse>(TRequest request, UnaryServerMethod<TRequest, TResponse> continuation) : ICallHandler<TResponse>
        where TRequest : class
        where TResponse : class
    {
        public bool Streaming => false;

        public void Check() => RequestFieldValidator.Check(request);

        public Task<TResponse> Invoke(ServerCallContext context) => continuation(request, context);
    }

    private readonly struct ClientStreaming<TRequest, TResponse>(
        FrontDoorInterceptor owner,
        IAsyncStreamReader<TRequest> requestStream,
        ClientStreamingServerMethod<TRequest, TResponse> continuation) : ICallHandler<TResponse>
        where TRequest : class
        where TResponse : class
    {
        public bool Streaming => true;

        public void Check()
        {
        }

        public Task<TResponse> Invoke(ServerCallContext context) => continuation(owner.Limited(requestStream, context), context);
    }

    private readonly struct ServerStreaming<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerStreamingServerMethod<TRequest, TResponse> continuation) : ICallHandler<bool>
        where TRequest : class
        where TResponse : class
    {
        public bool Streaming => true;

        public void Check() => RequestFieldValidator.Check(request);

        public Task<bool> Invoke(ServerCallContext context) => Completed(continuation(request, responseStream, context));
    }

    private readonly struct DuplexStreaming<TRequest, TResponse>(
        FrontDoorInterceptor owner,
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation) : ICallHandler<bool>
        where TRequest : class
        where TResponse : class
    {
        public bool Streaming => true;

        public void Check()
        {
        }

        public Task<bool> Invoke(ServerCallContext context) =>
            Completed(continuation(owner.Limited(requestStream, context), responseStream, context));
    }

    private static async Task<bool> Completed(Task task)
    {
        await task.ConfigureAwait(false);
        return true;
    }
}
