using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// Authenticates every strive.v1 call by its bearer token and checks the role against <see cref="AccessPolicy"/>.
/// Health and reflection stay open. Secrets are never logged; only token ids are.
/// </summary>
public sealed partial class TokenAuthInterceptor(TokenAuthenticator authenticator, ILogger<TokenAuthInterceptor> logger) : IGrpcInterceptor
{
    private const string BearerPrefix = "Bearer ";

    public async Task InterceptAsync(GrpcCallContext context, Func<GrpcCallContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (AccessPolicy.IsPublic(context.Method))
        {
            await next(context).ConfigureAwait(false);
            return;
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

        var (token, rejection) = await authenticator.AuthenticateAsync(secret, context.CancellationToken).ConfigureAwait(false);
        switch (rejection)
        {
            case TokenRejection.Unknown:
                throw Reject(context, "unknown bearer token");
            case TokenRejection.Revoked:
                throw Reject(context, $"bearer token {token!.TokenId} was revoked");
            case TokenRejection.Expired:
                throw Reject(context, $"bearer token {token!.TokenId} expired");
        }

        var caller = new Caller(token!.TokenId, token.Role, token.PartnershipId);
        if (!AccessPolicy.Methods.TryGetValue(context.Method, out var roles))
        {
            // Not a strive.v1 method: the dispatcher answers UNIMPLEMENTED for unknown methods.
            await next(context).ConfigureAwait(false);
            return;
        }

        if (!roles.Contains(caller.Role))
        {
            LogDenied(logger, context.Method, caller.TokenId, AccessPolicy.Name(caller.Role));
            throw new GrpcStatusException(
                StatusCode.PermissionDenied,
                $"role {AccessPolicy.Name(caller.Role)} may not call {context.Method.TrimStart('/')}; allowed roles: {string.Join(", ", roles.Select(AccessPolicy.Name))}");
        }

        context.SetCaller(caller);
        await next(context).ConfigureAwait(false);
    }

    private GrpcStatusException Reject(GrpcCallContext context, string message)
    {
        LogUnauthenticated(logger, context.Method, message);
        return new GrpcStatusException(StatusCode.Unauthenticated, message);
    }

    #region Logging

    [LoggerMessage(EventId = 6000, EventName = "CallUnauthenticated", Level = LogLevel.Information, Message = "Rejected {Method}: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 6001, EventName = "CallPermissionDenied", Level = LogLevel.Information, Message = "Denied {Method} to token {TokenId} (role {Role})")]
    private static partial void LogDenied(ILogger logger, string method, string tokenId, string role);

    #endregion
}
