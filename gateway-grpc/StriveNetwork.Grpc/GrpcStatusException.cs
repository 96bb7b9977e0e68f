namespace StriveNetwork.Grpc;

/// <summary>
/// A deliberate gRPC status: thrown by handlers and interceptors to end a call with <see cref="StatusCode"/>,
/// and by <see cref="Client.GrpcChannelClient"/> when a call ends with a status other than OK.
/// </summary>
public sealed class GrpcStatusException : Exception
{
    /// <summary>Creates the exception.</summary>
    public GrpcStatusException(StatusCode statusCode, string? detail = null, GrpcMetadata? trailers = null, Exception? innerException = null)
        : base(detail is null ? $"Status {statusCode}" : $"Status {statusCode}: {detail}", innerException)
    {
        StatusCode = statusCode;
        Detail = detail ?? string.Empty;
        Trailers = trailers ?? new GrpcMetadata();
    }

    /// <summary>The status code.</summary>
    public StatusCode StatusCode { get; }

    /// <summary>The status message (sent as grpc-message).</summary>
    public string Detail { get; }

    /// <summary>Trailing metadata to send with (server) or received with (client) the status.</summary>
    public GrpcMetadata Trailers { get; }
}
