using Grpc.Core;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Interceptors;
using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// Authenticates every strive.v1 call by its bearer token and checks the role against <see cref="AccessPolicy"/>.
/// Health and reflection stay open. Secrets are never logged; only token ids are.
/// </summary>
public sealed partial class TokenAuthInterceptor(TokenAuthenticator authenticator, ILogger<TokenAuthInterceptor> logger) : WholeCallInterceptor
{
    private const string BearerPrefix = "Bearer ";

    protected override async Task<T> InterceptAsync<T>(ServerCallContext context, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        if (AccessPolicy.IsPublic(context.Method))
        {
            return await next().ConfigureAwait(false);
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

        context.SetCaller(caller);
        return await next().ConfigureAwait(false);
    }

    private RpcException Reject(ServerCallContext context, string message)
    {
        LogUnauthenticated(logger, context.Method, message);
        return GatewayErrors.Of(StatusCode.Unauthenticated, message);
    }

    [LoggerMessage(EventId = 6000, EventName = "CallUnauthenticated", Level = LogLevel.Information, Message = "Rejected {Method}: {Reason}")]
    private static partial void LogUnauthenticated(ILogger logger, string method, string reason);

    [LoggerMessage(EventId = 6001, EventName = "CallPermissionDenied", Level = LogLevel.Information, Message = "Denied {Method} to token {TokenId} (role {Role})")]
    private static partial void LogDenied(ILogger logger, string method, string tokenId, string role);
}
