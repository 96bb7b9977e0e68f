using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Requests;

/// <summary>
/// Duplicate suppression of client writes (metadata <c>strive-request-id</c>). A grain asks <see cref="Replay"/> first
/// thing in a write: a retry of a write it recorded gets the first result back and the grain writes nothing. Otherwise
/// the grain does the write and puts <see cref="Record"/>'s log into the very state it writes, so the change and its
/// record land in one state write (docs/adr/0011): a call whose answer was lost after it committed is answered from
/// the log when retried, a call that did not commit left no record.
/// </summary>
public sealed partial class RequestRecorder(IOptions<RequestLogOptions> options, TimeProvider time)
{
    /// <summary>The message of a request id reused for another request (FAILED_PRECONDITION); it quotes nothing.</summary>
    public const string ReusedIdMessage =
        "strive-request-id: this id was already used for a different request (another method, body or caller); send a new id for a new request.";

    private RequestLogOptions Options => options.Value;

    /// <summary>
    /// The result recorded for <paramref name="request"/> when it retries a write recorded within the window; null
    /// when there is no key or the id is new (or forgotten). Throws <see cref="PreconditionFailedException"/> when the
    /// id was recorded with another fingerprint, <see cref="GrainValidationException"/> for a malformed key.
    /// </summary>
    public RequestResult? Replay(RequestLog log, RequestKey? request)
    {
        ArgumentNullException.ThrowIfNull(log);
        if (request is null)
        {
            return null;
        }

        Validate(request);
        var entry = log.Find(request.Id, time.GetUtcNow() - Options.Window);
        if (entry is null)
        {
            return null;
        }

        return string.Equals(entry.Fingerprint, request.Fingerprint, StringComparison.Ordinal)
            ? entry.Result
            : throw new PreconditionFailedException(ReusedIdMessage);
    }

    /// <summary>
    /// <paramref name="log"/> with <paramref name="result"/> recorded for <paramref name="request"/>, less the entries
    /// older than the window and the oldest beyond the most kept; <paramref name="log"/> itself when there is no key.
    /// </summary>
    public RequestLog Record(RequestLog log, RequestKey? request, RequestResult result)
    {
        ArgumentNullException.ThrowIfNull(log);
        ArgumentNullException.ThrowIfNull(result);
        if (request is null)
        {
            return log;
        }

        Validate(request);
        var now = time.GetUtcNow();
        return log.With(new RequestLogEntry(request.Id, request.Fingerprint, now, result), now - Options.Window, Options.MaxEntries);
    }

    /// <summary>A mismatch the grain finds itself: the id is known, but for another kind of write.</summary>
    public static PreconditionFailedException Reused() => new(ReusedIdMessage);

    // The gateway checks the id at the edge; this keeps a malformed key from any other caller out of the state.
    private static void Validate(RequestKey request)
    {
        if (!RequestId.IsValidKey(request.Id))
        {
            throw new GrainValidationException("strive-request-id", $"is not a valid request id ({RequestId.Rule}).");
        }

        if (request.Fingerprint is null || !FingerprintPattern().IsMatch(request.Fingerprint))
        {
            throw new GrainValidationException("strive-request-id", "the request fingerprint is not a lower-case hex SHA-256 hash.");
        }
    }

    [GeneratedRegex(@"\A[0-9a-f]{64}\z", RegexOptions.CultureInvariant)]
    private static partial Regex FingerprintPattern();
}
