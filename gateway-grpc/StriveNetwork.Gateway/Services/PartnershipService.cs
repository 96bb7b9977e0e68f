using Google.Protobuf.Reflection;
using Grpc.Core;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Requests;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>
/// strive.v1.PartnershipService on the partnership grains. GetProgress and GetPartnership are bound by
/// <see cref="CachedReadMethods"/> and answered from the <see cref="ResponseCache"/> when it holds the current state.
/// </summary>
[BindServiceMethod(typeof(PartnershipService), nameof(BindService))]
public sealed class PartnershipService(IGrainFactory grains, ResponseCache cache) : V1.PartnershipService.PartnershipServiceBase
{
    private static readonly HashSet<string> ProfilePaths =
        ["display_name", "us_state", "geographic_scope", "anchor_entity", "leadership_table_sectors", "key_staff_roles_filled", "framework_id"];

    /// <summary>The service's descriptor (server reflection looks it up on the type the bind attribute names).</summary>
    public static ServiceDescriptor Descriptor => V1.PartnershipService.Descriptor;

    /// <summary>
    /// Binds every generated method except the cached reads, which <see cref="CachedReadMethods"/> binds. The second
    /// parameter is the generated base type: Grpc.AspNetCore finds the handlers as overrides of that type's methods.
    /// </summary>
    public static void BindService(ServiceBinderBase binder, V1.PartnershipService.PartnershipServiceBase? service) =>
        V1.PartnershipService.BindService(new CachedReadMethods.ExceptBinder(binder, CachedReadMethods.PartnershipMethods), service);

    public override async Task<V1.RegisterPartnershipResponse> RegisterPartnership(V1.RegisterPartnershipRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        var profile = RequestMap.Profile(request.Profile, "profile", requireAll: true);
        var info = await grains.GetGrain<IPartnershipGrain>(id).RegisterAsync(profile, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.RegisterPartnershipResponse { Partnership = ProtoMap.ToProto(info) };
    }

    /// <summary>
    /// GetPartnership as the wire serves it (encoded, from the cache when current); the access check comes first. A
    /// hit answers synchronously, without allocating; a refused request throws before any task exists.
    /// </summary>
    public Task<EncodedResponse> GetPartnershipEncoded(V1.GetPartnershipRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(id);
        var read = CachedRead.Partnership(id);
        var lookup = cache.Find(read);
        return lookup.Hit?.Completed ?? ReadPartnershipAsync(id, read, lookup, context.CancellationToken);
    }

    /// <summary>Not bound to the wire (see <see cref="GetPartnershipEncoded"/>); answers in-process callers the same.</summary>
    public override async Task<V1.GetPartnershipResponse> GetPartnership(V1.GetPartnershipRequest request, ServerCallContext context) =>
        V1.GetPartnershipResponse.Parser.ParseFrom((await GetPartnershipEncoded(request, context).ConfigureAwait(false)).Bytes);

    public override async Task<V1.UpdatePartnershipProfileResponse> UpdatePartnershipProfile(V1.UpdatePartnershipProfileRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        var caller = context.GetCaller();
        caller.EnsureMayWrite(id);
        var paths = request.UpdateMask?.Paths.ToList() ?? [];
        if (paths.Count == 0)
        {
            throw EnumMap.Invalid("update_mask", "must name at least one field");
        }

        for (var i = 0; i < paths.Count; i++)
        {
            if (!ProfilePaths.Contains(paths[i]))
            {
                throw EnumMap.Invalid($"update_mask.paths[{i}]", $"is not a field of PartnershipProfile (allowed: {string.Join(", ", ProfilePaths)})");
            }
        }

        if (paths.Contains("framework_id") && caller.Role != TokenRole.NetworkAdmin)
        {
            throw GatewayErrors.Of(StatusCode.PermissionDenied, "framework_id can be changed only with a NETWORK_ADMIN token (moving to another framework version is a network decision)");
        }

        if (string.IsNullOrEmpty(request.Etag))
        {
            throw EnumMap.Invalid("etag", "is required (send the etag last read)");
        }

        var profile = RequestMap.Profile(request.Profile, "profile", requireAll: false);
        var info = await grains.GetGrain<IPartnershipGrain>(id).UpdateProfileAsync(profile, paths, request.Etag, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.UpdatePartnershipProfileResponse { Partnership = ProtoMap.ToProto(info) };
    }

    public override async Task<V1.RecordAssessmentResponse> RecordAssessment(V1.RecordAssessmentRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayWrite(id);
        var batch = RequestMap.Assessment(request);
        var receipt = await grains.GetGrain<IPartnershipGrain>(id).RecordAssessmentAsync(batch, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.RecordAssessmentResponse { RecordedCount = receipt.RecordedCount, Etag = receipt.Etag };
    }

    /// <summary>GetProgress as the wire serves it (as <see cref="GetPartnershipEncoded"/> does GetPartnership).</summary>
    public Task<EncodedResponse> GetProgressEncoded(V1.GetProgressRequest request, ServerCallContext context)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(context);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(id);
        var read = CachedRead.Progress(id);
        var lookup = cache.Find(read);
        return lookup.Hit?.Completed ?? ReadProgressAsync(id, read, lookup, context.CancellationToken);
    }

    /// <summary>Not bound to the wire (see <see cref="GetProgressEncoded"/>); answers in-process callers the same.</summary>
    public override async Task<V1.GetProgressResponse> GetProgress(V1.GetProgressRequest request, ServerCallContext context) =>
        V1.GetProgressResponse.Parser.ParseFrom((await GetProgressEncoded(request, context).ConfigureAwait(false)).Bytes);

    public override async Task<V1.GetReportCardResponse> GetReportCard(V1.GetReportCardRequest request, ServerCallContext context)
    {
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(id);
        if (request.Year != 0 && request.Year is < 1990 or > 2100)
        {
            throw EnumMap.Invalid("year", $"must be 0 (latest) or within 1990..2100 (got {request.Year})");
        }

        var card = await grains.GetGrain<IPartnershipGrain>(id).GetReportCardAsync(request.Year, context.CancellationToken).ConfigureAwait(false);
        return ProtoMap.ToProto(card);
    }

    public override async Task<V1.ReevaluateDesignationsResponse> ReevaluateDesignations(V1.ReevaluateDesignationsRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        var caller = context.GetCaller();
        DateOnly? asOf = request.AsOf is null ? null : RequestMap.Date(request.AsOf, "as_of");
        var record = await grains.GetGrain<IPartnershipGrain>(id).ReevaluateDesignationsAsync(asOf, caller.TokenId, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.ReevaluateDesignationsResponse { Reevaluation = ProtoMap.ToProto(record) };
    }

    public override async Task<V1.GetPartnershipSettingsResponse> GetPartnershipSettings(V1.GetPartnershipSettingsRequest request, ServerCallContext context)
    {
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        context.GetCaller().EnsureMayRead(id);
        var view = await grains.GetGrain<IPartnershipGrain>(id).GetSettingsAsync(context.CancellationToken).ConfigureAwait(false);
        var response = new V1.GetPartnershipSettingsResponse { PartnershipId = view.PartnershipId, Settings = ProtoMap.ToProto(view.Settings), Etag = view.Etag };
        response.Changes.AddRange(view.Changes.Select(ProtoMap.ToProto));
        return response;
    }

    public override async Task<V1.UpdatePartnershipSettingsResponse> UpdatePartnershipSettings(V1.UpdatePartnershipSettingsRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.PartnershipId, "partnership_id");
        var caller = context.GetCaller();
        if (request.Settings is null)
        {
            throw EnumMap.Invalid("settings", "is required (send every field; read the current ones with GetPartnershipSettings)");
        }

        if (string.IsNullOrEmpty(request.Etag))
        {
            throw EnumMap.Invalid("etag", "is required; send the etag last read");
        }

        var view = await grains.GetGrain<IPartnershipGrain>(id)
            .UpdateSettingsAsync(ProtoMap.ToRecord(request.Settings), request.Etag, caller.TokenId, key, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.UpdatePartnershipSettingsResponse { PartnershipId = view.PartnershipId, Settings = ProtoMap.ToProto(view.Settings), Etag = view.Etag };
        response.Changes.AddRange(view.Changes.Select(ProtoMap.ToProto));
        return response;
    }

    // The misses of the cached reads: the grain call, then the encoded answer kept under the version announced before it.
    private async Task<EncodedResponse> ReadPartnershipAsync(string id, CachedRead read, ResponseCacheLookup lookup, CancellationToken cancellationToken)
    {
        var info = await grains.GetGrain<IPartnershipGrain>(id).GetAsync(cancellationToken).ConfigureAwait(false);
        return cache.Store(read, lookup, new V1.GetPartnershipResponse { Partnership = ProtoMap.ToProto(info) });
    }

    private async Task<EncodedResponse> ReadProgressAsync(string id, CachedRead read, ResponseCacheLookup lookup, CancellationToken cancellationToken)
    {
        var progress = await grains.GetGrain<IPartnershipGrain>(id).GetProgressAsync(cancellationToken).ConfigureAwait(false);
        return cache.Store(read, lookup, ProtoMap.ToProto(progress));
    }
}
