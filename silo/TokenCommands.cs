using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Silo;

/// <summary>The offline token admin commands (<c>tokens issue|list|revoke</c>) on the silo's own store.</summary>
public static class TokenCommands
{
    /// <summary>Issues a token and prints its secret once.</summary>
    public static Task<int> IssueAsync(SiloOptions options, string role, string? partnershipId, string? label, TextWriter output, TextWriter error, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        TokenRole? parsed = role.ToLowerInvariant() switch
        {
            "admin" => TokenRole.NetworkAdmin,
            "viewer" => TokenRole.NetworkViewer,
            "partnership" => TokenRole.Partnership,
            _ => null,
        };
        if (parsed is null)
        {
            error.WriteLine($"--role must be admin, viewer or partnership (got '{role}')");
            return Task.FromResult(2);
        }

        if ((parsed == TokenRole.Partnership) != !string.IsNullOrEmpty(partnershipId))
        {
            error.WriteLine("--partnership is required with --role partnership and not allowed otherwise");
            return Task.FromResult(2);
        }

        if (label is not null && (string.IsNullOrWhiteSpace(label) || label.Length > 200))
        {
            error.WriteLine($"--label must be 1..200 characters (got {label.Length})");
            return Task.FromResult(2);
        }

        return SiloHost.RunCommandAsync(options, async (services, ct) =>
        {
            if (parsed == TokenRole.Partnership
                && !await services.GetRequiredService<IGrainFactory>().GetGrain<IPartnershipGrain>(partnershipId!).ExistsAsync(ct).ConfigureAwait(false))
            {
                await error.WriteLineAsync($"Partnership '{partnershipId}' does not exist.").ConfigureAwait(false);
                return 1;
            }

            IssuedToken issued;
            try
            {
                issued = await services.GetRequiredService<TokenIssuer>().IssueAsync(
                    parsed.Value,
                    partnershipId,
                    label ?? $"issued by the silo admin command on {DateTime.UtcNow:yyyy-MM-dd}",
                    DateTimeOffset.UtcNow.AddDays(365),
                    string.Empty,
                    cancellationToken: ct).ConfigureAwait(false);
            }
            catch (GrainDomainException exception)
            {
                await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return 1;
            }

            await output.WriteLineAsync($"token id: {issued.Token.TokenId}").ConfigureAwait(false);
            await output.WriteLineAsync($"token: {issued.Secret}").ConfigureAwait(false);
            return 0;
        }, cancellationToken);
    }

    /// <summary>Lists every token (never secrets), newest first.</summary>
    public static Task<int> ListAsync(SiloOptions options, TextWriter output, CancellationToken cancellationToken = default) =>
        SiloHost.RunCommandAsync(options, async (services, ct) =>
        {
            var tokens = await services.GetRequiredService<TokenIssuer>().ListAllAsync(ct).ConfigureAwait(false);
            foreach (var t in tokens)
            {
                var state = t.RevokeTime is not null ? $"revoked {t.RevokeTime:u}" : t.ExpireTime is { } e ? $"expires {e:u}" : "never expires";
                await output.WriteLineAsync($"{t.TokenId}\t{t.Role}\t{(string.IsNullOrEmpty(t.PartnershipId) ? "-" : t.PartnershipId)}\t{state}\t{t.Description}").ConfigureAwait(false);
            }

            return 0;
        }, cancellationToken);

    /// <summary>Revokes a token.</summary>
    public static Task<int> RevokeAsync(SiloOptions options, string tokenId, string? reason, TextWriter output, TextWriter error, CancellationToken cancellationToken = default) =>
        SiloHost.RunCommandAsync(options, async (services, ct) =>
        {
            try
            {
                var token = await services.GetRequiredService<TokenIssuer>().RevokeAsync(tokenId, reason ?? "revoked by the silo admin command", string.Empty, cancellationToken: ct).ConfigureAwait(false);
                await output.WriteLineAsync($"revoked {token.TokenId} at {token.RevokeTime:u}").ConfigureAwait(false);
                return 0;
            }
            catch (GrainDomainException exception)
            {
                await error.WriteLineAsync(exception.Message).ConfigureAwait(false);
                return 1;
            }
        }, cancellationToken);
}
