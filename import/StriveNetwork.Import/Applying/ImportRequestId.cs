using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace StriveNetwork.Import.Applying;

/// <summary>
/// Request ids derived from a file's content (ADR 0017): SHA-256 over the bytes of the file and what it is imported
/// into (kind, layout, partnership, indicator), so the same file imported the same way carries the same ids and the
/// service answers the second import as a replay of the first (ADR 0011), writing nothing.
/// </summary>
public static class ImportRequestId
{
    /// <summary>The hex SHA-256 of the file's bytes and the import's parameters.</summary>
    public static async Task<string> ContentHashAsync(string path, string parameters, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        var buffer = new byte[81_920];
        var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan | FileOptions.Asynchronous);
        await using (stream.ConfigureAwait(false))
        {
            int read;
            while ((read = await stream.ReadAsync(buffer, cancellationToken).ConfigureAwait(false)) > 0)
            {
                hash.AppendData(buffer, 0, read);
            }
        }

        hash.AppendData(Encoding.UTF8.GetBytes("\n" + parameters));
        return Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>The id of part <paramref name="part"/> of an import: <c>{kind}:{48 hex digits}:{part}</c> (at most 64 characters).</summary>
    public static string For(string kind, string contentHash, int part) =>
        string.Create(CultureInfo.InvariantCulture, $"{kind}:{contentHash[..48]}:{part}");
}
