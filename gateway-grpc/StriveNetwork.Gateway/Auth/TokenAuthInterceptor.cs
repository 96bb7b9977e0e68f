using Grpc.Core;
using Grpc.Core.Interceptors;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// Authenticates every strive.v1 call by its bearer token and checks the role against <see cref="AccessPolicy"/>.
/// Health and reflection stay open. Secrets are never logged; only token ids are.
/// </summary>
/// <remarks>
/// Authorization is continuous: every authorized call is registered in <see cref="OpenCallRegistry"/> for as long
/// as it runs, and its handler gets a context whose cancellation token also fires when the token is revoked or
/// expires. The call then ends with UNAUTHENTICATED at once, whether or not the handler notices the cancellation.
/// (Derived from <see cref="Interceptor"/> rather than WholeCallInterceptor because it hands the handler a context
/// of its own.)
/// </remarks>
public sealed partial class TokenAuthInterceptor(TokenAuthenticator authenticator, OpenCallRegistry openCalls, ILogger<TokenAuthInterceptor> logger) : Interceptor
{
    private const string BearerPrefix = "Bearer ";

    // A handler ended here gets this long to notice its cancellation and finish before the call's status is sent
    // without it (the budget is one second from the revocation).
    private static readonly TimeSpan HandlerGrace = TimeSpan.FromMilliseconds(200);

    // Bound of re-authentications when the revocation epoch moves while a call registers (it practically never does twice).
    private const int MaxRegistrations = 4;

    public override Task<TResponse> UnaryServerHandler<TRequest, TResponse>(
        TRequest request,
        ServerCallContext context,
        UnaryServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, c => continuation(request, c));
    }

    public override Task<TResponse> ClientStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        ServerCallContext context,
        ClientStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, c => continuation(requestStream, c));
    }

    public override Task ServerStreamingServerHandler<TRequest, TResponse>(
        TRequest request,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        ServerStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, async c =>
        {
            await continuation(request, responseStream, c).ConfigureAwait(false);
            return true;
        });
    }

    public override Task DuplexStreamingServerHandler<TRequest, TResponse>(
        IAsyncStreamReader<TRequest> requestStream,
        IServerStreamWriter<TResponse> responseStream,
        ServerCallContext context,
        DuplexStreamingServerMethod<TRequest, TResponse> continuation)
    {
        ArgumentNullException.ThrowIfNull(continuation);
        return InterceptAsync(context, async c =>
        {
            await continuation(requestStream, responseStream, c).ConfigureAwait(false);
            return true;
        });
    }

    private async Task<T> InterceptAsync<T>(ServerCallContext context, Func<ServerCallContext, Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (AccessPolicy.IsPublic(context.Method))
        {
            return await next(context).ConfigureAwait(false);
        }

        var header = context.RequestHeaders.GetValue("authorization");
        if (string.IsNullOrWhiteSpace(header))
        {
            throw Reject(context, "missing bearer token: send metadata 'authorization: Bearer <token>'");
        }

        if (!header.StartsWith(BearerPrefix, StringComparison.OrdinalIgnoreCase))
        {
            throw Reject(context, "malformed authorization metadata: expected 'Bearer <token>'");
        }

        var secret = header[BearerPrefix.Length..].Trim();
        if (!TokenSecrets.HasSecretShape(secret))
        {
            throw Reject(context, "malformed bearer token: expected 'snt_' followed by 43 url-safe base64 characters");
        }

        var hash = TokenSecrets.Hash(secret);
        var authentication = await AuthenticateAsync(context, hash).ConfigureAwait(false);
        var token = authentication.Token!;
        var caller = new Caller(token.TokenId, token.Role, token.PartnershipId);
        if (!AccessPolicy.Methods.TryGetValue(context.Method, out var roles))
        {
            // A method mapped beside strive.v1 without a policy entry: closed until someone decides who may call it.
            LogDenied(logger, context.Method, caller.TokenId, AccessPolicy.Name(caller.Role));
            throw GatewayErrors.Of(StatusCode.PermissionDenied, $"{context.Method.TrimStart('/')} has no access rule; no role may call it");
        }

        if (!roles.Contains(caller.Role))
        {
            LogDenied(logger, context.Method, caller.TokenId, AccessPolicy.Name(caller.Role));
            throw GatewayErrors.Of(
                StatusCode.PermissionDenied,
                $"role {AccessPolicy.Name(caller.Role)} may not call {context.Method.TrimStart('/')}; allowed roles: {string.Join(", ", roles.Select(AccessPolicy.Name))}");
        }

        using var call = await RegisterAsync(context, hash, authentication).ConfigureAwait(false);
        var authorized = new AuthorizedServerCallContext(context, call.Ended);
        authorized.SetCaller(caller);
        return await RunAsync(context, call, next(authorized)).ConfigureAwait(false);
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

    private async Task<T> RunAsync<T>(ServerCallContext context, OpenCall call, Task<T> handler)
    {
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using (call.Ended.Register(() => ended.TrySetResult()).ConfigureAwait(false))
        {
            var first = await Task.WhenAny(handler, ended.Task).ConfigureAwait(false);
            if (first == handler || call.EndReason == TokenRejection.None)
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
}
