namespace StriveNetwork.Grains.Abstractions;

/// <summary>
/// Identifies one client write for duplicate suppression: the client's request id (metadata <c>strive-request-id</c>,
/// or <c>{id}/{n}</c> for part n of a request applied in parts) and a fingerprint of what was asked and by whom
/// (lower-case hex SHA-256, computed by the gateway over the method, the caller and the request message). A grain that
/// holds the id with the same fingerprint answers with the first result and writes nothing; the same id with another
/// fingerprint is refused with <see cref="PreconditionFailedException"/>.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.RequestKey")]
public sealed record RequestKey(string Id, string Fingerprint);
