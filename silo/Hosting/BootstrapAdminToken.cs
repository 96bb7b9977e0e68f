using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// The first admin token of an empty store. Its secret is the operator's (<c>STRIVE_ADMIN_TOKEN</c> or a file, the
/// Kubernetes Secret way) or generated here; a generated one is shown once when a person reads stdout (a terminal),
/// otherwise written to <c>&lt;data dir&gt;/admin-token</c> (0600) and only the path is printed, so it never reaches a
/// log pipeline. It expires after <see cref="SiloOptions.AdminTokenTtl"/> unless the operator says <c>never</c>.
/// </summary>
internal static class BootstrapAdminToken
{
    /// <summary>Name of the file a generated secret goes to when stdout is not a terminal.</summary>
    public const string FileName = "admin-token";

    /// <summary>Issues the token when the store holds none, and tells the operator where it is; nothing on a store that has tokens.</summary>
    public static async Task IssueAsync(TokenIssuer issuer, SiloOptions options, TimeProvider time, TextWriter output, bool outputIsTerminal, CancellationToken cancellationToken)
    {
        var expireTime = options.AdminTokenLifetime is { } lifetime ? time.GetUtcNow() + lifetime : (DateTimeOffset?)null;
        var issued = await issuer.BootstrapAsync(options.AdminTokenSecret, expireTime, cancellationToken).ConfigureAwait(false);
        if (issued is null)
        {
            return;
        }

        if (options.AdminTokenSecret is not null)
        {
            await output.WriteLineAsync($"bootstrap admin token registered from {options.AdminTokenSource}").ConfigureAwait(false);
        }
        else if (outputIsTerminal)
        {
            // The only time a generated secret exists outside the operator's hands: shown once, never logged.
            await output.WriteLineAsync($"admin token: {issued.Secret}").ConfigureAwait(false);
        }
        else
        {
            var dataDir = Path.GetFullPath(options.DataDir);
            OwnerOnlyFiles.CreateDirectory(dataDir);
            var path = Path.Combine(dataDir, FileName);
            OwnerOnlyFiles.WriteAtomically(path, issued.Secret + "\n");
            await output.WriteLineAsync($"admin token written to {path} (owner-only; stdout is not a terminal)").ConfigureAwait(false);
        }

        var lifetimeText = issued.Token.ExpireTime is { } expiry ? $"expires {expiry:yyyy-MM-dd HH:mm:ss}Z" : "never expires";
        await output.WriteLineAsync(
            $"bootstrap admin token {issued.Token.TokenId} {lifetimeText}: issue named admin tokens (AdminService.IssueToken) and revoke this one").ConfigureAwait(false);
    }
}
