using System.Globalization;
using System.Security.Cryptography;
using System.Text.RegularExpressions;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Durable state of the token registry: token records (hashes only, never secrets).</summary>
[GenerateSerializer, Immutable, Alias("strive.TokenRegistryState")]
public sealed record TokenRegistryState
{
    /// <summary>Every token record, active or not.</summary>
    [Id(0)]
    public IReadOnlyList<TokenRecord> Tokens { get; init; } = [];
}

/// <summary>The bearer-token store (key "tokens"). Secrets never reach it: the gateway sends SHA-256 hashes.</summary>
[GrainType("tokens")]
public sealed partial class TokenRegistryGrain(
    [PersistentState("tokens")] IPersistentState<TokenRegistryState> state,
    TimeProvider time) : Grain, ITokenRegistryGrain
{
    private const int DefaultPageSize = 50;
    private const int MaxPageSize = 500;
    private static readonly TimeSpan MaxLifetime = TimeSpan.FromDays(400);
    private Dictionary<string, TokenRecord> _byHash = new(StringComparer.Ordinal);

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _byHash = state.State.Tokens.ToDictionary(t => t.SecretHash, StringComparer.Ordinal);
        return Task.CompletedTask;
    }

    public async Task<TokenRecord> IssueAsync(TokenIssue issue, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(issue);
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
        await WriteAsync([.. state.State.Tokens, record], cancellationToken);
        return record;
    }

    public async Task<TokenRecord?> IssueBootstrapAsync(string secretHash, CancellationToken cancellationToken = default)
    {
        Require(secretHash is not null && HashPattern().IsMatch(secretHash), "secret_hash", "must be a lower-case hex SHA-256 hash (64 characters).");
        if (state.State.Tokens.Count > 0)
        {
            return null;
        }

        var record = new TokenRecord(NewTokenId(), secretHash!, TokenRole.NetworkAdmin, string.Empty, "bootstrap admin token",
            time.GetUtcNow(), null, null, string.Empty, string.Empty);
        await WriteAsync([record], cancellationToken);
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

    public async Task<TokenRecord> RevokeAsync(string tokenId, string reason, string callerTokenId, CancellationToken cancellationToken = default)
    {
        Require(!string.IsNullOrEmpty(tokenId), "token_id", "is required.");
        Require((reason ?? string.Empty).Length <= 500, "reason", "must be at most 500 characters.");
        var token = state.State.Tokens.FirstOrDefault(t => t.TokenId == tokenId)
            ?? throw new NotFoundException($"Token '{tokenId}' does not exist.");
        if (string.Equals(tokenId, callerTokenId, StringComparison.Ordinal))
        {
            throw new PreconditionFailedException("A token cannot revoke itself; use another admin token.");
        }

        if (token.RevokeTime is not null)
        {
            return token;
        }

        var revoked = token with { RevokeTime = time.GetUtcNow(), RevokeReason = reason ?? string.Empty };
        await WriteAsync([.. state.State.Tokens.Select(t => t.TokenId == tokenId ? revoked : t)], cancellationToken);
        return revoked;
    }

    public Task<TokenRecord?> LookupAsync(string secretHash, CancellationToken cancellationToken = default) =>
        Task.FromResult(secretHash is null ? null : _byHash.GetValueOrDefault(secretHash));

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

    private async Task WriteAsync(IReadOnlyList<TokenRecord> tokens, CancellationToken cancellationToken)
    {
        await StateWrites.ReplaceAsync(state, state.State with { Tokens = tokens }, DeactivateOnIdle, cancellationToken);

        _byHash = tokens.ToDictionary(t => t.SecretHash, StringComparer.Ordinal);
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
