using Grpc.Core;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Mapping;
using StriveNetwork.Gateway.Requests;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Services;

/// <summary>strive.v1.AdminService: tokens (through <see cref="TokenIssuer"/>) and the rollup recomputation.</summary>
public sealed class AdminService(IGrainFactory grains, TokenIssuer issuer, TokenAuthenticator authenticator, TimeProvider timeProvider) : V1.AdminService.AdminServiceBase
{
    private static readonly TimeSpan DefaultLifetime = TimeSpan.FromDays(365);

    public override async Task<V1.IssueTokenResponse> IssueToken(V1.IssueTokenRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var role = EnumMap.ToDomainOrNull(request.Role) ?? throw EnumMap.Invalid("role", "is required (ROLE_UNSPECIFIED is not a role)");
        string? partnershipId = null;
        if (role == TokenRole.Partnership)
        {
            partnershipId = RequestMap.Id(request.PartnershipId, "partnership_id");
            if (!await grains.GetGrain<IPartnershipGrain>(partnershipId).ExistsAsync(context.CancellationToken).ConfigureAwait(false))
            {
                throw GatewayErrors.Of(StatusCode.NotFound, $"Partnership '{partnershipId}' does not exist.");
            }
        }
        else if (request.PartnershipId.Length > 0)
        {
            throw EnumMap.Invalid("partnership_id", $"must be empty for role {AccessPolicy.Name(role)}");
        }

        if (request.Description.Length is 0 or > 200)
        {
            throw EnumMap.Invalid("description", $"must be 1..200 characters (got {request.Description.Length})");
        }

        var expire = ExpireTime(request.ExpireTime) ?? timeProvider.GetUtcNow() + DefaultLifetime;
        var issued = await issuer.IssueAsync(role, partnershipId, request.Description, expire, context.GetCaller().TokenId, key, context.CancellationToken).ConfigureAwait(false);
        return new V1.IssueTokenResponse { Token = ProtoMap.ToProto(issued.Token), Secret = issued.Secret };
    }

    public override async Task<V1.ListTokensResponse> ListTokens(V1.ListTokensRequest request, ServerCallContext context)
    {
        if (request.PageSize < 0)
        {
            throw EnumMap.Invalid("page_size", "must not be negative");
        }

        var filter = new TokenFilter(
            EnumMap.ToDomainOrNull(request.Role),
            string.IsNullOrEmpty(request.PartnershipId) ? null : request.PartnershipId,
            request.IncludeInactive);
        var page = await grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey)
            .ListAsync(filter, request.PageSize, request.PageToken, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.ListTokensResponse { NextPageToken = page.NextPageToken };
        response.Tokens.AddRange(page.Tokens.Select(ProtoMap.ToProto));
        return response;
    }

    public override async Task<V1.RevokeTokenResponse> RevokeToken(V1.RevokeTokenRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        if (string.IsNullOrEmpty(request.TokenId))
        {
            throw EnumMap.Invalid("token_id", "is required");
        }

        if (!IsTokenIdShape(request.TokenId))
        {
            throw EnumMap.Invalid("token_id", "is not a token id ('tok_' followed by 1 to 60 letters or digits)");
        }

        if (request.Reason.Length > 500)
        {
            throw EnumMap.Invalid("reason", $"must be at most 500 characters (got {request.Reason.Length})");
        }

        var token = await issuer.RevokeAsync(request.TokenId, request.Reason, context.GetCaller().TokenId, key, context.CancellationToken).ConfigureAwait(false);
        authenticator.Invalidate(token.TokenId);
        return new V1.RevokeTokenResponse { Token = ProtoMap.ToProto(token) };
    }

    // Timestamp.ToDateTimeOffset throws for seconds outside 0001-01-01..9999-12-31 or nanos outside 0..999,999,999;
    // the registry then checks the range it accepts (future, at most 400 days ahead).
    private static DateTimeOffset? ExpireTime(Google.Protobuf.WellKnownTypes.Timestamp? timestamp)
    {
        const long MinSeconds = -62_135_596_800;
        const long MaxSeconds = 253_402_300_799;
        if (timestamp is null)
        {
            return null;
        }

        return timestamp.Seconds is >= MinSeconds and <= MaxSeconds && timestamp.Nanos is >= 0 and <= 999_999_999
            ? timestamp.ToDateTimeOffset()
            : throw EnumMap.Invalid("expire_time", "is not a valid timestamp (0001-01-01 to 9999-12-31 UTC, nanos 0..999,999,999)");
    }

    // Token ids are "tok_" and letters or digits (registry ids are Crockford base32): checked before the id is used
    // or quoted, so no client string of another shape reaches a grain or a status message.
    private static bool IsTokenIdShape(string tokenId) =>
        tokenId.Length is > 4 and <= 64
        && tokenId.StartsWith("tok_", StringComparison.Ordinal)
        && tokenId.AsSpan(4).IndexOfAnyExcept("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789") < 0;

    public override async Task<V1.RecomputeNetworkRollupResponse> RecomputeNetworkRollup(V1.RecomputeNetworkRollupRequest request, ServerCallContext context)
    {
        var key = RequestIds.Of(context, request);
        var report = await grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey).RecomputeAsync(request.Apply, key, context.CancellationToken).ConfigureAwait(false);
        var response = new V1.RecomputeNetworkRollupResponse
        {
            Consistent = report.Consistent,
            Recomputed = ProtoMap.ToProto(report.Recomputed),
            Applied = report.Applied,
            PartnershipCount = report.PartnershipCount,
        };
        response.Differences.AddRange(report.Differences.Select(d => new V1.RollupDifference { Path = d.Path, Streamed = d.Streamed, Recomputed = d.Recomputed }));
        return response;
    }
}
