using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Server;

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
            ? new GrpcStatusException(StatusCode.PermissionDenied, "role NETWORK_VIEWER is read-only; writes need a NETWORK_ADMIN or the partnership's own token")
            : OutOfScope(partnershipId);
    }

    private GrpcStatusException OutOfScope(string partnershipId) => new(
        StatusCode.PermissionDenied,
        $"this PARTNERSHIP token may access only partnership '{PartnershipId}', not '{partnershipId}'");
}

/// <summary>Access to the caller that <see cref="TokenAuthInterceptor"/> attached to a call.</summary>
public static class CallerContext
{
    private static readonly object ItemKey = new();

    /// <summary>The call's authenticated caller; throws UNAUTHENTICATED if none was attached.</summary>
    public static Caller GetCaller(this GrpcCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return context.HttpContext.Items.TryGetValue(ItemKey, out var value) && value is Caller caller
            ? caller
            : throw new GrpcStatusException(StatusCode.Unauthenticated, "missing bearer token: send metadata 'authorization: Bearer <token>'");
    }

    internal static void SetCaller(this GrpcCallContext context, Caller caller) => context.HttpContext.Items[ItemKey] = caller;
}
