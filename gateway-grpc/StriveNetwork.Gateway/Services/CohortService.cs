using Grpc.Core;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Requests;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.CohortService on the cohort grains.</summary>
public sealed class CohortService(IGrainFactory grains) : V1.CohortService.CohortServiceBase
{
    private const int MaxMembers = 500;

    public override async Task<V1.CreateCohortResponse> CreateCohort(V1.CreateCohortRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.CohortId, "cohort_id");
        if (request.MemberIds.Count > MaxMembers)
        {
            throw EnumMap.Invalid("member_ids", $"at most {MaxMembers} members (got {request.MemberIds.Count})");
        }

        var members = new List<string>(request.MemberIds.Count);
        for (var i = 0; i < request.MemberIds.Count; i++)
        {
            var member = RequestMap.Id(request.MemberIds[i], $"member_ids[{i}]");
            if (members.Contains(member))
            {
                throw EnumMap.Invalid($"member_ids[{i}]", $"duplicate member '{member}'");
            }

            members.Add(member);
        }

        var cohort = await grains.GetGrain<ICohortGrain>(id).CreateAsync(request.DisplayName, request.Description, members, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.CreateCohortResponse { Cohort = ProtoMap.ToProto(cohort) };
    }

    public override async Task<V1.AddMemberResponse> AddMember(V1.AddMemberRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.CohortId, "cohort_id");
        var member = RequestMap.Id(request.PartnershipId, "partnership_id");
        var change = await grains.GetGrain<ICohortGrain>(id).AddMemberAsync(member, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.AddMemberResponse { Cohort = ProtoMap.ToProto(change.Cohort), Changed = change.Changed };
    }

    public override async Task<V1.RemoveMemberResponse> RemoveMember(V1.RemoveMemberRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var id = RequestMap.Id(request.CohortId, "cohort_id");
        var member = RequestMap.Id(request.PartnershipId, "partnership_id");
        var change = await grains.GetGrain<ICohortGrain>(id).RemoveMemberAsync(member, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.RemoveMemberResponse { Cohort = ProtoMap.ToProto(change.Cohort), Changed = change.Changed };
    }

    public override async Task<V1.CompareBenchmarksResponse> CompareBenchmarks(V1.CompareBenchmarksRequest request, ServerCallContext context)
    {
        var id = RequestMap.Id(request.CohortId, "cohort_id");
        await EnsureMayReadAsync(context, id).ConfigureAwait(false);
        var matrices = await grains.GetGrain<ICohortGrain>(id).CompareBenchmarksAsync(EnumMap.ToDomainOrNull(request.Gateway), context.CancellationToken).ConfigureAwait(false);
        var response = new V1.CompareBenchmarksResponse { CohortId = id };
        response.Matrices.AddRange(matrices.Select(ProtoMap.ToProto));
        return response;
    }

    public override async Task<V1.GetCohortRollupResponse> GetCohortRollup(V1.GetCohortRollupRequest request, ServerCallContext context)
    {
        var id = RequestMap.Id(request.CohortId, "cohort_id");
        await EnsureMayReadAsync(context, id).ConfigureAwait(false);
        var rollup = await grains.GetGrain<ICohortGrain>(id).GetRollupAsync(context.CancellationToken).ConfigureAwait(false);
        return ProtoMap.ToProto(rollup);
    }

    // Membership is the partnership's consent to share with the other members, so a partnership token reads only
    // its cohorts. An unknown cohort answers PERMISSION_DENIED too, so that tokens cannot probe which cohorts exist.
    private async Task EnsureMayReadAsync(ServerCallContext context, string cohortId)
    {
        var caller = context.GetCaller();
        if (caller.Role != TokenRole.Partnership)
        {
            return;
        }

        if (!await grains.GetGrain<ICohortGrain>(cohortId).IsMemberAsync(caller.PartnershipId ?? string.Empty, context.CancellationToken).ConfigureAwait(false))
        {
            throw GatewayErrors.Of(
                StatusCode.PermissionDenied,
                $"this PARTNERSHIP token may read only cohorts that partnership '{caller.PartnershipId}' belongs to, and it is not a member of '{cohortId}'");
        }
    }
}
