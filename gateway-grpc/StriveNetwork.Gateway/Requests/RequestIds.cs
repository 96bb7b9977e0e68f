using Google.Protobuf;
using Grpc.Core;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Requests;

/// <summary>
/// Client request ids of the strive.v1 writes (docs/api.md, "Retries and request ids"). A client sends metadata
/// <c>strive-request-id</c> (<see cref="RequestId.Rule"/>) with a write and the same id again when it retries it; the
/// grain that commits the write records the id with the request's fingerprint in the same state write and answers a
/// retry with the first result. The fingerprint covers the method, the caller and the request message, so the same id
/// with another body, on another method or from another token is not taken for a retry: it fails with
/// FAILED_PRECONDITION. The id is checked here, at the edge, and never quoted back.
/// </summary>
public static class RequestIds
{
    /// <summary>The metadata key.</summary>
    public const string MetadataKey = "strive-request-id";

    /// <summary>The call's request id, checked; null when the metadata is absent. INVALID_ARGUMENT when malformed or sent twice.</summary>
    public static string? IdOf(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        string? id = null;
        foreach (var entry in context.RequestHeaders)
        {
            if (!string.Equals(entry.Key, MetadataKey, StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            if (id is not null)
            {
                throw GatewayErrors.Invalid(MetadataKey, "must be sent at most once");
            }

            id = entry.Value;
        }

        return id is null || RequestId.IsValid(id)
            ? id
            : throw GatewayErrors.Invalid(MetadataKey, $"is not a valid request id ({RequestId.Rule})");
    }

    /// <summary>The key of a unary write: its request id and fingerprint; null when the call carries no request id.</summary>
    public static RequestKey? Of(ServerCallContext context, IMessage request)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(request);
        var id = IdOf(context);
        if (id is null)
        {
            return null;
        }

        using var fingerprint = new Fingerprint(context.Method, context.GetCaller());
        return new RequestKey(id, fingerprint.Add(request).ToHex());
    }

    /// <summary>
    /// The keys of the parts of a write applied in parts (an upload's batches); null when the call carries no request id.
    /// Captures the caller now, so the keys can be made while the call goes on.
    /// </summary>
    public static RequestParts? PartsOf(ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var id = IdOf(context);
        return id is null ? null : new RequestParts(id, context.Method, context.GetCaller());
    }
}
