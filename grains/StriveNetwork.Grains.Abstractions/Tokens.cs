using Orleans.Concurrency;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>Role of a bearer token.</summary>
[GenerateSerializer, Alias("strive.TokenRole")]
public enum TokenRole
{
    NetworkAdmin = 1,
    NetworkViewer = 2,
    Partnership = 3,
}

/// <summary>A stored token: never the secret, only its SHA-256 hash (lower-case hex).</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenRecord")]
public sealed record TokenRecord(
    string TokenId,
    string SecretHash,
    TokenRole Role,
    string PartnershipId,
    string Description,
    DateTimeOffset IssueTime,
    DateTimeOffset? ExpireTime,
    DateTimeOffset? RevokeTime,
    string IssuedBy,
    string RevokeReason)
{
    /// <summary>True when neither revoked nor expired at <paramref name="now"/>.</summary>
    public bool IsActive(DateTimeOffset now) => RevokeTime is null && (ExpireTime is null || ExpireTime > now);
}

/// <summary>A request to store a new token; the caller generated the secret and sends only its hash.</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenIssue")]
public sealed record TokenIssue(string SecretHash, TokenRole Role, string PartnershipId, string Description, DateTimeOffset? ExpireTime, string IssuedBy);

/// <summary>Filters of ListAsync.</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenFilter")]
public sealed record TokenFilter(TokenRole? Role, string? PartnershipId, bool IncludeInactive);

/// <summary>A page of tokens, newest first.</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenPage")]
public sealed record TokenPage(IReadOnlyList<TokenRecord> Tokens, string NextPageToken);

/// <summary>
/// A lookup answer with the registry's revocation epoch at the moment it was read: the record reflects every
/// revocation up to and including <paramref name="Epoch"/>, so a cache can tell a stale answer from a current one.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.TokenLookup")]
public sealed record TokenLookup(TokenRecord? Token, long Epoch);

/// <summary>One revocation in the registry's recent list: the epoch it created and the token it revoked.</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenRevocation")]
public sealed record TokenRevocation(long Epoch, string TokenId);

/// <summary>
/// The answer to <see cref="ITokenRegistryGrain.RevocationsSinceAsync"/>: the current epoch and the tokens revoked
/// after the caller's epoch. <paramref name="Complete"/> is false when the registry no longer holds every revocation
/// since then (the caller is too far behind): the caller must then drop everything it cached.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.TokenRevocations")]
public sealed record TokenRevocations(long Epoch, IReadOnlyList<string> TokenIds, bool Complete);

/// <summary>The token store (key <see cref="GrainKeys.TokensKey"/>). Its writes take an optional <see cref="RequestKey"/> (duplicate suppression of retries).</summary>
[Alias("strive.ITokenRegistryGrain")]
public interface ITokenRegistryGrain : IGrainWithStringKey
{
    /// <summary>
    /// Stores a token. Errors: validation (role/partnership/description/expiry/hash), <see cref="AlreadyExistsException"/>
    /// (same hash; or a retry of a recorded <paramref name="request"/>: the secret of the token issued then was never
    /// stored, so it cannot be answered again; the message names that token's id, for the caller to revoke it and issue anew).
    /// </summary>
    [Alias("IssueAsync")]
    Task<TokenRecord> IssueAsync(TokenIssue issue, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the bootstrap admin token only when the store holds no token at all; returns it, or null when the store
    /// was not empty. <paramref name="expireTime"/> null means it never expires (only when the operator asks for it).
    /// </summary>
    [Alias("IssueBootstrapAsync")]
    Task<TokenRecord?> IssueBootstrapAsync(string secretHash, DateTimeOffset? expireTime = null, CancellationToken cancellationToken = default);

    /// <summary>Tokens newest first. Errors: validation (negative size, malformed page token).</summary>
    [Alias("ListAsync")]
    Task<TokenPage> ListAsync(TokenFilter filter, int pageSize, string pageToken, CancellationToken cancellationToken = default);

    /// <summary>Revokes (idempotent, keeps the first revoke time; a retried <paramref name="request"/> answers the token as it is now). Errors: <see cref="NotFoundException"/>, <see cref="PreconditionFailedException"/> (caller's own token).</summary>
    [Alias("RevokeAsync")]
    Task<TokenRecord> RevokeAsync(string tokenId, string reason, string callerTokenId, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>The token with this secret hash, active or not; null when unknown. The caller checks <see cref="TokenRecord.IsActive"/>.</summary>
    [AlwaysInterleave]
    [Alias("LookupAsync")]
    Task<TokenRecord?> LookupAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// Like <see cref="LookupAsync"/>, with the revocation epoch the record was read under (the record and the epoch
    /// change together, in one turn, after the revocation is stored).
    /// </summary>
    [AlwaysInterleave]
    [Alias("LookupWithEpochAsync")]
    Task<TokenLookup> LookupWithEpochAsync(string secretHash, CancellationToken cancellationToken = default);

    /// <summary>
    /// The current revocation epoch (incremented by every revocation, stored with the tokens) and the ids of the
    /// tokens revoked after <paramref name="sinceEpoch"/>; incomplete when the caller is too far behind.
    /// </summary>
    [AlwaysInterleave]
    [Alias("RevocationsSinceAsync")]
    Task<TokenRevocations> RevocationsSinceAsync(long sinceEpoch, CancellationToken cancellationToken = default);
}
