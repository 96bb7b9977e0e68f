using System.Security.Cryptography;
using System.Text;
using StriveNetwork.Gateway.Tokens;

namespace StriveNetwork.Gateway.Tests;

/// <summary>The stored form of a secret is one rule, whether the front door hashes into a span or the registry into a string.</summary>
public sealed class TokenSecretsTests
{
    [Theory]
    [InlineData(47)]
    [InlineData(0)]
    [InlineData(600)]
    public void Hash_IsLowerHexSha256OfUtf8_ForStringAndSpan(int length)
    {
        var secret = length == 47 ? TokenSecrets.NewSecret() : new string('é', length);
        var expected = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

        Assert.Equal(expected, TokenSecrets.Hash(secret));
        Span<char> written = stackalloc char[TokenSecrets.HashLength];
        TokenSecrets.Hash(secret.AsSpan(), written);
        Assert.Equal(expected, new string(written));
    }

    [Fact]
    public void Hash_IntoAShortDestination_Throws()
    {
        var destination = new char[TokenSecrets.HashLength - 1];
        Assert.Throws<ArgumentException>(() => TokenSecrets.Hash("snt_x".AsSpan(), destination));
    }
}
