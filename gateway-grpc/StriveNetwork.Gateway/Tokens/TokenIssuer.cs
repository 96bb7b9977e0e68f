using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Tokens;

/// <summary>A token just issued: its stored record and the secret, which exists only in this object.</summary>
public sealed record IssuedToken(TokenRecord Token, string Secret);

/// <summary>
/// Issues tokens through the registry grain. The secret is generated here and only its hash crosses into the grain,
/// so no secret ever reaches storage or a grain message (used by AdminService and the silo's admin commands).
/// </summary>
public sealed class TokenIssuer(IGrainFactory grains)
{
    private ITokenRegistryGrain Registry => grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey);

    /// <summary>
    /// Issues a token; the registry validates role, partnership, description and expiry. A retry of a recorded
    /// <paramref name="request"/> fails with ALREADY_EXISTS naming the token issued the first time: its secret was never
    /// stored, so it cannot be answered again.
    /// </summary>
    public async Task<IssuedToken> IssueAsync(
        TokenRole role,
        string? partnershipId,
        string description,
        DateTimeOffset? expireTime,
        string issuedBy,
        RequestKey? request = null,
        CancellationToken cancellationToken = default)
    {
        var secret = TokenSecrets.NewSecret();
        var issue = new TokenIssue(TokenSecrets.Hash(secret), role, partnershipId ?? string.Empty, description, expireTime, issuedBy);
        var record = await Registry.IssueAsync(issue, request, cancellationToken).ConfigureAwait(false);
        return new IssuedToken(record, secret);
    }

    /// <summary>
    /// Issues the bootstrap admin token when the registry is empty (first start); null when it already holds tokens,
    /// so a restart never issues a second one. <paramref name="secret"/> is the operator's (from a file or the
    /// environment) or, when null, a new one; <paramref name="expireTime"/> null means it never expires.
    /// </summary>
    public async Task<IssuedToken?> BootstrapAsync(string? secret = null, DateTimeOffset? expireTime = null, CancellationToken cancellationToken = default)
    {
        if (secret is not null && !TokenSecrets.HasSecretShape(secret))
        {
            throw new ArgumentException("The bootstrap secret must be 'snt_' followed by 43 url-safe base64 characters.", nameof(secret));
        }

        secret ??= TokenSecrets.NewSecret();
        var record = await Registry.IssueBootstrapAsync(TokenSecrets.Hash(secret), expireTime, cancellationToken).ConfigureAwait(false);
        return record is null ? null : new IssuedToken(record, secret);
    }

    /// <summary>Every token (active or not), newest first, across all pages.</summary>
    public async Task<IReadOnlyList<TokenRecord>> ListAllAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<TokenRecord>();
        var pageToken = string.Empty;
        do
        {
            var page = await Registry.ListAsync(new TokenFilter(null, null, IncludeInactive: true), 500, pageToken, cancellationToken).ConfigureAwait(false);
            all.AddRange(page.Tokens);
            pageToken = page.NextPageToken;
        }
        while (pageToken.Length > 0);
        return all;
    }

    /// <summary>Revokes a token (idempotent). <paramref name="callerTokenId"/> empty for the offline admin command.</summary>
    public Task<TokenRecord> RevokeAsync(string tokenId, string reason, string callerTokenId, RequestKey? request = null, CancellationToken cancellationToken = default) =>
        Registry.RevokeAsync(tokenId, reason, callerTokenId, request, cancellationToken);
}
