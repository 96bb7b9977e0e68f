using Microsoft.Extensions.Logging;

namespace StriveNetwork.Grpc.Server;

/// <summary>Source-generated log messages of the gRPC layer (event ids 5000-5999).</summary>
internal static partial class GrpcLog
{
    [LoggerMessage(EventId = 5000, Level = LogLevel.Debug, Message = "gRPC call {Method} finished with {Status} in {ElapsedMs} ms")]
    public static partial void CallFinished(ILogger logger, string method, StatusCode status, double elapsedMs);

    [LoggerMessage(EventId = 5001, Level = LogLevel.Error, Message = "gRPC handler for {Method} threw; returning UNKNOWN")]
    public static partial void HandlerFailed(ILogger logger, string method, Exception exception);

    [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "gRPC call {Method} cancelled by the client")]
    public static partial void CallCancelled(ILogger logger, string method);

    [LoggerMessage(EventId = 5003, Level = LogLevel.Debug, Message = "gRPC call {Method} exceeded its deadline")]
    public static partial void DeadlineExceeded(ILogger logger, string method);

    [LoggerMessage(EventId = 5004, Level = LogLevel.Information, Message = "gRPC protocol error on {Method}: {Status} {Detail}")]
    public static partial void ProtocolError(ILogger logger, string method, StatusCode status, string detail);

    [LoggerMessage(EventId = 5005, Level = LogLevel.Information, Message = "Rejected non-gRPC request {Path}: HTTP {HttpStatus} ({Reason})")]
    public static partial void RequestRejected(ILogger logger, string path, int httpStatus, string reason);

    [LoggerMessage(EventId = 5006, Level = LogLevel.Debug, Message = "Unimplemented gRPC method {Path}")]
    public static partial void Unimplemented(ILogger logger, string path);

    [LoggerMessage(EventId = 5007, Level = LogLevel.Warning, Message = "Ignoring unparsable grpc-timeout '{Value}' on {Method}")]
    public static partial void BadTimeout(ILogger logger, string value, string method);
}
