using System.Collections.Concurrent;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Auth;

/// <summary>Why a presented secret did not authenticate.</summary>
public enum TokenRejection
{
    /// <summary>Authenticated.</summary>
    None,

    /// <summary>No token has this secret.</summary>
    Unknown,

    /// <summary>The token was revoked.</summary>
    Revoked,

    /// <summary>The token expired.</summary>
    Expired,
}

/// <summary>
/// Resolves bearer secrets to tokens through the registry grain, with a short-lived cache so that a call costs no
/// grain call in the common case. Revocations on this silo are seen at once; elsewhere within <see cref="CacheTtl"/>.
/// </summary>
public sealed class TokenAuthenticator(IGrainFactory grains, TimeProvider timeProvider)
{
    /// <summary>How long a lookup result is reused (the API promises revocation everywhere within 5 s).</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(4);

    // Bounded so that a flood of random secrets cannot grow memory: past the limit the cache is simply cleared.
    private const int MaxCacheEntries = 10_000;

    private readonly ConcurrentDictionary<string, (TokenRecord? Token, DateTimeOffset FetchedAt)> _cache = new(StringComparer.Ordinal);

    /// <summary>Looks the secret up; returns the token and why it is rejected (if it is).</summary>
    public async Task<(TokenRecord? Token, TokenRejection Rejection)> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var now = timeProvider.GetUtcNow();
        var hash = TokenSecrets.Hash(secret);
        TokenRecord? token;
        if (_cache.TryGetValue(hash, out var cached) && now - cached.FetchedAt < CacheTtl)
        {
            token = cached.Token;
        }
        else
        {
            token = await grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey).LookupAsync(hash, cancellationToken).ConfigureAwait(false);
            if (_cache.Count >= MaxCacheEntries)
            {
                _cache.Clear();
            }

            _cache[hash] = (token, now);
        }

        return token switch
        {
            null => (null, TokenRejection.Unknown),
            { RevokeTime: not null } => (token, TokenRejection.Revoked),
            { ExpireTime: { } expiry } when expiry <= now => (token, TokenRejection.Expired),
            _ => (token, TokenRejection.None),
        };
    }

    /// <summary>Drops cached lookups of a token (after a revocation on this silo), so it stops working at once here.</summary>
    public void Invalidate(string tokenId)
    {
        foreach (var entry in _cache)
        {
            if (entry.Value.Token?.TokenId == tokenId)
            {
                _cache.TryRemove(entry.Key, out _);
            }
        }
    }
}
