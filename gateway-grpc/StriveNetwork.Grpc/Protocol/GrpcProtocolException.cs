namespace StriveNetwork.Grpc.Protocol;

/// <summary>A violation of the gRPC wire protocol detected while reading a call; maps to a status.</summary>
public sealed class GrpcProtocolException(StatusCode statusCode, string message) : Exception(message)
{
    /// <summary>The status the call ends with.</summary>
    public StatusCode StatusCode { get; } = statusCode;
}
