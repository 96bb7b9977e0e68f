namespace StriveNetwork.Grpc.Server;

/// <summary>Server-wide protocol settings; validated at start.</summary>
public sealed class GrpcServerOptions
{
    /// <summary>Largest accepted request message (after decompression). Default 4 MiB; larger → RESOURCE_EXHAUSTED.</summary>
    public int MaxReceiveMessageSize { get; set; } = 4 * 1024 * 1024;

    /// <summary>Largest response message; null = unlimited. Larger → RESOURCE_EXHAUSTED.</summary>
    public int? MaxSendMessageSize { get; set; }

    /// <summary>
    /// Encoding used for responses when the client lists it in grpc-accept-encoding ("gzip" or null for none).
    /// A handler can override it per call with <see cref="GrpcCallContext.ResponseEncoding"/>.
    /// </summary>
    public string? ResponseCompressionAlgorithm { get; set; }

    /// <summary>When true, unexpected handler exceptions put their message into grpc-message (development only).</summary>
    public bool EnableDetailedErrors { get; set; }

    /// <summary>Interceptors run in order around every call (first added = outermost).</summary>
    public IList<IGrpcInterceptor> Interceptors { get; } = [];

    /// <summary>Clock for deadlines; replace in tests.</summary>
    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;

    internal IEnumerable<string> Validate()
    {
        if (MaxReceiveMessageSize <= 0)
        {
            yield return "MaxReceiveMessageSize must be positive.";
        }

        if (MaxSendMessageSize is <= 0)
        {
            yield return "MaxSendMessageSize must be positive or null.";
        }

        if (ResponseCompressionAlgorithm is { } algorithm && !Protocol.GrpcCompression.IsSupported(algorithm))
        {
            yield return $"ResponseCompressionAlgorithm '{algorithm}' is not supported (use gzip or identity).";
        }
    }
}
