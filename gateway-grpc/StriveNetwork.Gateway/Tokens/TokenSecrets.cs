using System.Security.Cryptography;
using System.Text;

namespace StriveNetwork.Gateway.Tokens;

/// <summary>Creation and hashing of bearer secrets and token ids.</summary>
public static class TokenSecrets
{
    /// <summary>Prefix of every bearer secret, so leaked secrets are easy to recognise in logs and scanners.</summary>
    public const string SecretPrefix = "snt_";

    /// <summary>Prefix of every token id (not a secret).</summary>
    public const string IdPrefix = "tok_";

    /// <summary>A new secret: 256 random bits, base64url without padding (43 characters) after the prefix.</summary>
    public static string NewSecret() => SecretPrefix + Base64Url(RandomNumberGenerator.GetBytes(32));

    /// <summary>A new token id: 80 random bits in lower-case hex.</summary>
    public static string NewTokenId() => IdPrefix + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(10));

    /// <summary>Length of <see cref="Hash(string)"/>: 64 lower-case hex characters.</summary>
    public const int HashLength = 2 * SHA256.HashSizeInBytes;

    /// <summary>The stored form of a secret: lower-case hex SHA-256 of its UTF-8 bytes.</summary>
    public static string Hash(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        Span<char> hash = stackalloc char[HashLength];
        Hash(secret, hash);
        return new string(hash);
    }

    /// <summary>
    /// The stored form of a secret written into <paramref name="destination"/> (<see cref="HashLength"/> characters);
    /// allocates nothing for a secret of ordinary length, so the front door can hash every call's token.
    /// </summary>
    public static void Hash(ReadOnlySpan<char> secret, Span<char> destination)
    {
        var byteCount = Encoding.UTF8.GetByteCount(secret);
        Span<byte> utf8 = byteCount <= 256 ? stackalloc byte[byteCount] : new byte[byteCount];
        Encoding.UTF8.GetBytes(secret, utf8);
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        SHA256.HashData(utf8, digest);
        if (!Convert.TryToHexStringLower(digest, destination, out _))
        {
            throw new ArgumentException($"the destination must hold {HashLength} characters", nameof(destination));
        }
    }

    /// <summary>Whether the text has the shape of a secret (prefix + 43 base64url characters).</summary>
    public static bool HasSecretShape(string text) => HasSecretShape(text.AsSpan());

    /// <summary>Whether the characters have the shape of a secret (prefix + 43 base64url characters).</summary>
    public static bool HasSecretShape(ReadOnlySpan<char> text) =>
        text.Length == SecretPrefix.Length + 43
        && text.StartsWith(SecretPrefix, StringComparison.Ordinal)
        && text[SecretPrefix.Length..].IndexOfAnyExcept(SecretAlphabet) < 0;

    private static readonly System.Buffers.SearchValues<char> SecretAlphabet =
        System.Buffers.SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");

    private static string Base64Url(byte[] bytes) =>
        Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
