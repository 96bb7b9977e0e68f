using System.Collections.Concurrent;
using Grpc.Core;
using StriveNetwork.Gateway.Errors;
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

/// <summary>The outcome of one authentication: the token (when known), why it is rejected, and the revocation epoch it is current for.</summary>
public sealed record TokenAuthentication(TokenRecord? Token, TokenRejection Rejection, long Epoch)
{
    /// <summary>The caller the token stands for (made once per authentication: a cached one serves many calls); null without a token.</summary>
    public Caller? Caller => field ??= Token is null ? null : new Caller(Token.TokenId, Token.Role, Token.PartnershipId);
}

/// <summary>
/// Resolves bearer secrets to tokens through the registry grain, with a short-lived cache so that a call costs no
/// grain call in the common case.
/// </summary>
/// <remarks>
/// Revocation is atomic with respect to lookups in flight. Every lookup answers the registry's revocation epoch with
/// the record, and every cache entry keeps the epoch it was fetched under. Once any answer (a lookup, or
/// <see cref="TokenRevocationWatcher"/>'s poll) has shown a newer epoch, older entries are neither trusted nor cached:
/// a lookup that read the record before a revocation and returns after it cannot put the old record back. A local
/// generation counter does the same for <see cref="Invalidate"/>: a lookup that started before an invalidation never
/// caches its result.
/// </remarks>
public sealed class TokenAuthenticator
{
    private readonly IGrainFactory grains;
    private readonly TimeProvider timeProvider;
    private readonly OpenCallRegistry openCalls;

    /// <summary>Creates an authenticator over the token registry grain.</summary>
    public TokenAuthenticator(IGrainFactory grains, TimeProvider timeProvider, OpenCallRegistry openCalls)
    {
        this.grains = grains;
        this.timeProvider = timeProvider;
        this.openCalls = openCalls;
        _cacheBySpan = _cache.GetAlternateLookup<ReadOnlySpan<char>>();
    }

    /// <summary>How long a lookup result is reused at most (revocations end it sooner, through the epoch).</summary>
    public static readonly TimeSpan CacheTtl = TimeSpan.FromSeconds(4);

    // Bounded so that a flood of random secrets cannot grow memory: past the limit the cache is simply cleared.
    private const int MaxCacheEntries = 10_000;

    // The registry's epoch only grows and a fresh lookup answers at least every epoch seen before it, so one retry
    // normally suffices; the bound only guards against a registry that keeps moving.
    private const int MaxLookups = 4;

    private readonly ConcurrentDictionary<string, CacheEntry> _cache = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CacheEntry>.AlternateLookup<ReadOnlySpan<char>> _cacheBySpan;
    private long _seenEpoch;
    private long _generation;

    /// <summary>The highest revocation epoch this process has seen from the registry.</summary>
    public long SeenEpoch => Volatile.Read(ref _seenEpoch);

    /// <summary>Cached lookups (for tests and diagnostics).</summary>
    public int CachedCount => _cache.Count;

    /// <summary>Looks the secret up; returns the token and why it is rejected (if it is).</summary>
    public async Task<(TokenRecord? Token, TokenRejection Rejection)> AuthenticateAsync(string secret, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secret);
        var result = await AuthenticateHashAsync(TokenSecrets.Hash(secret), cancellationToken).ConfigureAwait(false);
        return (result.Token, result.Rejection);
    }

    /// <summary>
    /// The cached answer for a secret's hash, without a grain call or an allocation: false when the cache has no
    /// current entry (then call <see cref="AuthenticateHashAsync"/>). <paramref name="secretHash"/> is the stored form
    /// of the hash, the cache's own key, for whoever needs it as a string.
    /// </summary>
    public bool TryAuthenticateCached(ReadOnlySpan<char> hash, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out TokenAuthentication? authentication, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out string? secretHash)
    {
        var now = timeProvider.GetUtcNow();
        if (_cacheBySpan.TryGetValue(hash, out var key, out var cached) && now - cached.FetchedAt < CacheTtl && cached.Epoch >= SeenEpoch)
        {
            authentication = Judge(cached, now);
            secretHash = key;
            return true;
        }

        authentication = null;
        secretHash = null;
        return false;
    }

    /// <summary>Looks a secret up by its hash; the answer is current for the epoch it names.</summary>
    public async Task<TokenAuthentication> AuthenticateHashAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(secretHash);
        var now = timeProvider.GetUtcNow();
        if (_cache.TryGetValue(secretHash, out var cached) && now - cached.FetchedAt < CacheTtl && cached.Epoch >= SeenEpoch)
        {
            return Judge(cached, now);
        }

        var registry = grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey);
        for (var attempt = 1; ; attempt++)
        {
            var generation = Volatile.Read(ref _generation);
            var lookup = await registry.LookupWithEpochAsync(secretHash, cancellationToken).ConfigureAwait(false);
            ObserveEpoch(lookup.Epoch);
            if (lookup.Epoch >= SeenEpoch)
            {
                Cache(secretHash, new CacheEntry(lookup.Token, now, lookup.Epoch, new TokenAuthentication(lookup.Token, TokenRejection.None, lookup.Epoch)), generation);
                return Judge(lookup.Token, lookup.Epoch, timeProvider.GetUtcNow());
            }

            // Fetched under an epoch older than one already seen: the record may predate a revocation. Ask again.
            if (attempt == MaxLookups)
            {
                throw GatewayErrors.Of(StatusCode.Unavailable, "the token registry is catching up with revocations; call again");
            }
        }
    }

    /// <summary>Records an epoch seen from the registry; entries fetched under older epochs stop being trusted.</summary>
    public void ObserveEpoch(long epoch)
    {
        var seen = Volatile.Read(ref _seenEpoch);
        while (epoch > seen)
        {
            var previous = Interlocked.CompareExchange(ref _seenEpoch, epoch, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }

    /// <summary>
    /// After a revocation of <paramref name="tokenId"/>: drops its cached lookups, keeps lookups already in flight from
    /// caching, and ends its open calls on this process, so it stops working here at once.
    /// </summary>
    public void Invalidate(string tokenId)
    {
        ArgumentNullException.ThrowIfNull(tokenId);
        Interlocked.Increment(ref _generation);
        foreach (var entry in _cache)
        {
            if (entry.Value.Token?.TokenId == tokenId)
            {
                _cache.TryRemove(entry);
            }
        }

        openCalls.EndToken(tokenId, TokenRejection.Revoked);
    }

    /// <summary>Drops every cached lookup (the registry could not say which tokens were revoked).</summary>
    public void InvalidateAll()
    {
        Interlocked.Increment(ref _generation);
        _cache.Clear();
    }

    // A cached entry that authenticates answers the same (immutable) accepted authentication every time.
    private static TokenAuthentication Judge(CacheEntry entry, DateTimeOffset now) =>
        entry.Token is { RevokeTime: null } token && !(token.ExpireTime is { } expiry && expiry <= now)
            ? entry.Accepted
            : Judge(entry.Token, entry.Epoch, now);

    private static TokenAuthentication Judge(TokenRecord? token, long epoch, DateTimeOffset now) => token switch
    {
        null => new(null, TokenRejection.Unknown, epoch),
        { RevokeTime: not null } => new(token, TokenRejection.Revoked, epoch),
        { ExpireTime: { } expiry } when expiry <= now => new(token, TokenRejection.Expired, epoch),
        _ => new(token, TokenRejection.None, epoch),
    };

    private void Cache(string secretHash, CacheEntry entry, long generation)
    {
        if (_cache.Count >= MaxCacheEntries)
        {
            _cache.Clear();
        }

        _cache[secretHash] = entry;

        // Checked after publishing, so that an invalidation or a newer epoch arriving at the same moment either sees
        // the entry (and removes it) or is seen here (and the entry removes itself); only this very entry is removed.
        if (Volatile.Read(ref _generation) != generation || entry.Epoch < SeenEpoch)
        {
            _cache.TryRemove(new KeyValuePair<string, CacheEntry>(secretHash, entry));
        }
    }

    private sealed record CacheEntry(TokenRecord? Token, DateTimeOffset FetchedAt, long Epoch, TokenAuthentication Accepted);
}
