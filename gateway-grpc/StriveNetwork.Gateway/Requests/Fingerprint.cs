using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;
using Google.Protobuf;
using StriveNetwork.Gateway.Auth;

namespace StriveNetwork.Gateway.Requests;

/// <summary>
/// The SHA-256 fingerprint of a write: the method, the caller (token id, role, partnership) and the request's
/// messages, each part length-prefixed so that no two different sequences of parts hash the same input.
/// </summary>
internal sealed class Fingerprint : IDisposable
{
    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    /// <summary>Starts a fingerprint of a call of <paramref name="method"/> by <paramref name="caller"/>.</summary>
    public Fingerprint(string method, Caller caller)
    {
        Add(method);
        Add(caller.TokenId);
        Add((int)caller.Role);
        Add(caller.PartnershipId ?? string.Empty);
    }

    public Fingerprint Add(string text)
    {
        var bytes = Encoding.UTF8.GetBytes(text);
        Add(bytes.Length);
        _hash.AppendData(bytes);
        return this;
    }

    public Fingerprint Add(int number)
    {
        Span<byte> bytes = stackalloc byte[4];
        BinaryPrimitives.WriteInt32LittleEndian(bytes, number);
        _hash.AppendData(bytes);
        return this;
    }

    /// <summary>Adds a message's wire form (Google.Protobuf writes fields in number order; the requests have no maps).</summary>
    public Fingerprint Add(IMessage message)
    {
        var bytes = message.ToByteArray();
        Add(bytes.Length);
        _hash.AppendData(bytes);
        return this;
    }

    /// <summary>The fingerprint, lower-case hex.</summary>
    public string ToHex() => Convert.ToHexStringLower(_hash.GetHashAndReset());

    public void Dispose() => _hash.Dispose();
}
