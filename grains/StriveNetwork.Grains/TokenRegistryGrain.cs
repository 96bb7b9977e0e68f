using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Requests;

namespace StriveNetwork.Grains;

/// <summary>Durable state of the token registry: token records (hashes only, never secrets).</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenRegistryState")]
public sealed record TokenRegistryState
{
    /// <summary>Every token record, active or not.</summary>
    [Id(0)]
    public IReadOnlyList<TokenRecord> Tokens { get; init; } = [];

    /// <summary>Incremented by every revocation, in the same write: caches compare it to know whether they are current.</summary>
    [Id(1)]
    public long RevocationEpoch { get; init; }

    /// <summary>The latest revocations, oldest first, at most <see cref="TokenRegistryGrain.RecentRevocationLimit"/>.</summary>
    [Id(2)]
    public IReadOnlyList<TokenRevocation> RecentRevocations { get; init; } = [];

    /// <summary>The client request ids of recent issues and revocations (token ids only), recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;
}

/// <summary>The bearer-token store (key "tokens"). Secrets never reach it: the gateway sends SHA-256 hashes.</summary>
[GrainType("tokens")]
public sealed partial class TokenRegistryGrain(
    [PersistentState("tokens")] IPersistentState<TokenRegistryState> state,
    RequestRecorder requests,
    TimeProvider time) : Grain, ITokenRegistryGrain
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(400);
    private Dictionary<string, TokenRecord> _byHash = new(StringComparer.Ordinal);

    // What lookups answer: the records and the epoch of the last state that storage confirmed, swapped together in one
    // turn. (state.State already holds the next state while its write is in flight.)
    private long _epoch;
    private IReadOnlyList<TokenRevocation> _confirmedRevocations = [];

    /// <summary>How many revocations the registry remembers for <see cref="RevocationsSinceAsync"/>; a caller further behind drops its cache.</summary>
    public const int RecentRevocationLimit = 1024;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _byHash = state.State.Tokens.ToDictionary(t => t.SecretHash, StringComparer.Ordinal);
        _epoch = state.State.RevocationEpoch;
        _confirmedRevocations = state.State.RecentRevocations;
        return Task.CompletedTask;
    }

    public async Task<TokenRecord> IssueAsync(TokenIssue issue, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
        if (requests.Replay(state.State.Requests, request) is { } replay)
        {
            // Only the hash of the first call's secret was stored, so its answer cannot be given again. The caller
            // learns which token that was (a server-made id, safe to name), revokes it and issues a new one.
            var issued = replay.TokenId ?? throw RequestRecorder.Reused();
            throw new AlreadyExistsException(
                $"strive-request-id: this request already issued token {issued}, whose secret cannot be shown again; revoke that token, then issue a new one with a new request id.");
        }

        var now = time.GetUtcNow();
        Require(issue.SecretHash is not null && HashPattern().IsMatch(issue.SecretHash), "secret_hash", "must be a lower-case hex SHA-256 hash (64 characters).");
        Require(Enum.IsDefined(issue.Role), "role", "is required.");
        if (issue.Role == TokenRole.Partnership)
        {
            Require(!string.IsNullOrEmpty(issue.PartnershipId), "partnership_id", "is required for a PARTNERSHIP token.");
        }
        else
        {
            Require(string.IsNullOrEmpty(issue.PartnershipId), "partnership_id", "must be empty unless the role is PARTNERSHIP.");
        }

        Require(!string.IsNullOrWhiteSpace(issue.Description) && issue.Description.Length <= 200, "description", "must be 1..200 characters.");
        if (issue.ExpireTime is { } expire)
        {
            Require(expire > now, "expire_time", "is in the past.");
            Require(expire <= now + MaxLifetime, "expire_time", "is more than 400 days ahead.");
        }

        if (issue.Role == TokenRole.Partnership && !await GrainFactory.GetGrain<IPartnershipGrain>(issue.PartnershipId).ExistsAsync(cancellationToken))
        {
            throw new NotFoundException($"Partnership '{issue.PartnershipId}' does not exist.");
        }

        if (_byHash.ContainsKey(issue.SecretHash!))
        {
            throw new AlreadyExistsException("A token with this secret already exists.");
        }

        var record = new TokenRecord(NewTokenId(), issue.SecretHash!, issue.Role, issue.PartnershipId ?? string.Empty, issue.Description,
            now, issue.ExpireTime, null, issue.IssuedBy ?? string.Empty, string.Empty);
        await WriteAsync(
            state.State with
            {
                Tokens = [.. state.State.Tokens, record],
                Requests = requests.Record(state.State.Requests, request, new RequestResult { TokenId = record.TokenId }),
            },
            cancellationToken);
        return record;
    }

    public async Task<TokenRecord?> IssueBootstrapAsync(string secretHash, DateTimeOffset? expireTime = null, CancellationToken cancellationToken = default)
    {
        Require(secretHash is not null && HashPattern().IsMatch(secretHash), "secret_hash", "must be a lower-case hex SHA-256 hash (64 characters).");
        var now = time.GetUtcNow();
        if (expireTime is { } expire)
        {
            Require(expire > now, "expire_time", "is in the past.");
            Require(expire <= now + MaxLifetime, "expire_time", "is more than 400 days ahead.");
        }

        if (state.State.Tokens.Count > 0)
        {
            return null;
        }

        var record = new TokenRecord(NewTokenId(), secretHash!, TokenRole.NetworkAdmin, string.Empty, "bootstrap admin token",
            now, expireTime, null, string.Empty, string.Empty);
        await WriteAsync(state.State with { Tokens = [record] }, cancellationToken);
        return record;
    }

    public Task<TokenPage> ListAsync(TokenFilter filter, int pageSize, string pageToken, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(filter);
        Require(pageSize >= 0, "page_size", $"{pageSize} is negative.");
        var size = pageSize == 0 ? DefaultPageSize : Math.Min(pageSize, MaxPageSize);
        var offset = 0;
        if (!string.IsNullOrEmpty(pageToken))
        {
            Require(pageToken.StartsWith("o", StringComparison.Ordinal) && int.TryParse(pageToken.AsSpan(1), NumberStyles.None, CultureInfo.InvariantCulture, out offset),
                "page_token", "is malformed.");
        }

        var now = time.GetUtcNow();
        var matching = state.State.Tokens
            .Where(t => filter.Role is null || t.Role == filter.Role)
            .Where(t => string.IsNullOrEmpty(filter.PartnershipId) || string.Equals(t.PartnershipId, filter.PartnershipId, StringComparison.Ordinal))
            .Where(t => filter.IncludeInactive || t.IsActive(now))
            .OrderByDescending(t => t.IssueTime)
            .ThenByDescending(t => t.TokenId, StringComparer.Ordinal)
            .ToList();
        var page = matching.Skip(offset).Take(size).ToList();
        var next = offset + page.Count < matching.Count ? "o" + (offset + page.Count).ToString(CultureInfo.InvariantCulture) : string.Empty;
        return Task.FromResult(new TokenPage(page, next));
    }

    public async Task<TokenRecord> RevokeAsync(string tokenId, string reason, string callerTokenId, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        if (requests.Replay(state.State.Requests, request) is { } replay)
        {
            var revokedId = replay.TokenId ?? throw RequestRecorder.Reused();
            return state.State.Tokens.FirstOrDefault(t => t.TokenId == revokedId) ?? throw RequestRecorder.Reused();
        }

        Require(!string.IsNullOrEmpty(tokenId), "token_id", "is required.");
        Require((reason ?? string.Empty).Length <= 500, "reason", "must be at most 500 characters.");
        var token = state.State.Tokens.FirstOrDefault(t => t.TokenId == tokenId)
            ?? throw new NotFoundException($"Token '{tokenId}' does not exist.");
        if (string.Equals(tokenId, callerTokenId, StringComparison.Ordinal))
        {
            throw new PreconditionFailedException("A token cannot revoke itself; use another admin token.");
        }

        var logged = requests.Record(state.State.Requests, request, new RequestResult { TokenId = tokenId });
        if (token.RevokeTime is not null)
        {
            if (request is not null)
            {
                await WriteAsync(state.State with { Requests = logged }, cancellationToken);
            }

            return token;
        }

        var revoked = token with { RevokeTime = time.GetUtcNow(), RevokeReason = reason ?? string.Empty };
        var epoch = state.State.RevocationEpoch + 1;
        var recent = state.State.RecentRevocations.Count < RecentRevocationLimit
            ? [.. state.State.RecentRevocations, new TokenRevocation(epoch, tokenId)]
            : state.State.RecentRevocations.Skip(state.State.RecentRevocations.Count - RecentRevocationLimit + 1).Append(new TokenRevocation(epoch, tokenId)).ToList();
        var next = state.State with
        {
            Tokens = [.. state.State.Tokens.Select(t => t.TokenId == tokenId ? revoked : t)],
            RevocationEpoch = epoch,
            RecentRevocations = recent,
            Requests = logged,
        };
        await WriteAsync(next, cancellationToken);
        return revoked;
    }

    public Task<TokenRecord?> LookupAsync(string secretHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(secretHash is null ? null : _byHash.GetValueOrDefault(secretHash));

    public Task<TokenLookup> LookupWithEpochAsync(string secretHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(new TokenLookup(secretHash is null ? null : _byHash.GetValueOrDefault(secretHash), _epoch));

    public Task<TokenRevocations> RevocationsSinceAsync(long sinceEpoch, CancellationToken cancellationToken = default)
    {
        Require(sinceEpoch >= 0, "since_epoch", "must not be negative.");
        var epoch = _epoch;
        if (sinceEpoch >= epoch)
        {
            return Task.FromResult(new TokenRevocations(epoch, [], Complete: true));
        }

        // Only confirmed revocations (epoch <= _epoch); complete when the list still starts right after the caller's epoch.
        var recent = _confirmedRevocations;
        var complete = recent.Count > 0 && recent[0].Epoch <= sinceEpoch + 1;
        var ids = recent.Where(r => r.Epoch > sinceEpoch && r.Epoch <= epoch).Select(r => r.TokenId).Distinct(StringComparer.Ordinal).ToList();
        return Task.FromResult(new TokenRevocations(epoch, complete ? ids : [], complete));
    }

    private static string NewTokenId()
    {
        const string alphabet = "0123456789ABCDEFGHJKMNPQRSTVWXYZ";
        Span<char> chars = stackalloc char[26];
        for (var i = 0; i < chars.Length; i++)
        {
            chars[i] = alphabet[RandomNumberGenerator.GetInt32(alphabet.Length)];
        }

        return "tok_" + new string(chars);
    }

    private async Task WriteAsync(TokenRegistryState next, CancellationToken cancellationToken)
    {
        await StateWrites.ReplaceAsync(state, next, DeactivateOnIdle, cancellationToken);

        // No await between these: an interleaved lookup sees the old records with the old epoch or the new with the new.
        _byHash = next.Tokens.ToDictionary(t => t.SecretHash, StringComparer.Ordinal);
        _confirmedRevocations = next.RecentRevocations;
        _epoch = next.RevocationEpoch;
    }

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new GrainValidationException(field, message);
        }
    }

    [GeneratedRegex(@"\A[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex HashPattern();
}
