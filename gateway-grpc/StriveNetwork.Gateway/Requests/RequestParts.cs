using Google.Protobuf;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Requests;

/// <summary>
/// The request keys of the parts of one write applied in parts, such as an upload's batches: part n is recorded as
/// <c>{id}/{n}</c> (<see cref="RequestId.Part"/>) with a fingerprint of that part's content, so a retry of the whole
/// write replays the parts already applied and applies the rest.
/// </summary>
public sealed class RequestParts
{
    private readonly string _id;
    private readonly string _method;
    private readonly Caller _caller;

    internal RequestParts(string id, string method, Caller caller)
    {
        _id = id;
        _method = method;
        _caller = caller;
    }

    /// <summary>The key of part <paramref name="part"/> (0-based), made of <paramref name="content"/>.</summary>
    public RequestKey Key(int part, IEnumerable<IMessage> content)
    {
        ArgumentNullException.ThrowIfNull(content);
        using var fingerprint = new Fingerprint(_method, _caller);
        fingerprint.Add(part);
        foreach (var message in content)
        {
            fingerprint.Add(message);
        }

        return new RequestKey(RequestId.Part(_id, part), fingerprint.ToHex());
    }
}
