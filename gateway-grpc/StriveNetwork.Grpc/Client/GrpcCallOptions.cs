namespace StriveNetwork.Grpc.Client;

/// <summary>Per-call client settings.</summary>
public sealed record GrpcCallOptions
{
    /// <summary>Request metadata (keys ending in -bin are sent base64-encoded).</summary>
    public GrpcMetadata? Headers { get; init; }

    /// <summary>Deadline relative to the start of the call; sent as grpc-timeout and enforced locally.</summary>
    public TimeSpan? Timeout { get; init; }

    /// <summary>Compress request messages with gzip (sends grpc-encoding: gzip).</summary>
    public bool CompressRequests { get; init; }

    /// <summary>Advertise gzip in grpc-accept-encoding so the server may compress responses.</summary>
    public bool AcceptCompressedResponses { get; init; } = true;

    /// <summary>Largest accepted response message; larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; init; } = 4 * 1024 * 1024;
}

/// <summary>The outcome of a unary call: the response plus its metadata.</summary>
public sealed record GrpcUnaryResult<TResponse>(TResponse Response, GrpcMetadata Headers, GrpcMetadata Trailers, bool ResponseCompressed);
