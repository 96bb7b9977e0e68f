using Grpc.Core;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Auth;

/// <summary>The authenticated caller of one gRPC call.</summary>
public sealed record Caller(string TokenId, TokenRole Role, string? PartnershipId)
{
    /// <summary>Whether the caller may read the partnership (admins and viewers: all; partnership tokens: their own).</summary>
    public bool MayRead(string partnershipId) => Role != TokenRole.Partnership || PartnershipId == partnershipId;

    /// <summary>Whether the caller may write the partnership (admins: all; partnership tokens: their own).</summary>
    public bool MayWrite(string partnershipId) => Role == TokenRole.NetworkAdmin || (Role == TokenRole.Partnership && PartnershipId == partnershipId);

    /// <summary>Throws PERMISSION_DENIED unless the caller may read the partnership.</summary>
    public void EnsureMayRead(string partnershipId)
    {
        if (!MayRead(partnershipId))
        {
            throw OutOfScope(partnershipId);
        }
    }

    /// <summary>Throws PERMISSION_DENIED unless the caller may write the partnership.</summary>
    public void EnsureMayWrite(string partnershipId)
    {
        if (MayWrite(partnershipId))
        {
            return;
        }

        throw Role == TokenRole.NetworkViewer
            ? GatewayErrors.Of(StatusCode.PermissionDenied, "role NETWORK_VIEWER is read-only; writes need a NETWORK_ADMIN or the partnership's own token")
            : OutOfScope(partnershipId);
    }

    private RpcException OutOfScope(string partnershipId) => GatewayErrors.Of(
        StatusCode.PermissionDenied,
        $"this PARTNERSHIP token may access only partnership '{PartnershipId}', not '{partnershipId}'");
}

/// <summary>Access to the caller that <see cref="Interceptors.FrontDoorInterceptor"/> attached to a call.</summary>
public static class CallerContext
{
    private static readonly object ItemKey = new();

    /// <summary>The call's authenticated caller; throws UNAUTHENTICATED if none was attached.</summary>
    public static Caller GetCaller(this ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (context is AuthorizedServerCallContext authorized)
        {
            return authorized.Caller;
        }

        return context.UserState.TryGetValue(ItemKey, out var value) && value is Caller caller
            ? caller
            : throw GatewayErrors.Of(StatusCode.Unauthenticated, "missing bearer token: send metadata 'authorization: Bearer <token>'");
    }

    internal static void SetCaller(this ServerCallContext context, Caller caller) => context.UserState[ItemKey] = caller;
}
