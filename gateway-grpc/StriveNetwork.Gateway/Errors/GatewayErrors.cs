using Grpc.Core;

namespace StriveNetwork.Gateway.Errors;

/// <summary>Statuses the gateway itself ends calls with, so each text is written once.</summary>
public static class GatewayErrors
{
    /// <summary>The message of streams ended because the host is stopping (clients reconnect on it).</summary>
    public const string ShuttingDownMessage = "the server is shutting down; call again";

    /// <summary>UNAVAILABLE: the host is stopping; the client should call again (another silo or after the restart).</summary>
    public static RpcException ShuttingDown() => new(new Status(StatusCode.Unavailable, ShuttingDownMessage));

    /// <summary>INVALID_ARGUMENT naming the field: "<paramref name="field"/>: <paramref name="problem"/>".</summary>
    public static RpcException Invalid(string field, string problem) => new(new Status(StatusCode.InvalidArgument, $"{field}: {problem}"));

    /// <summary>A status with its message.</summary>
    public static RpcException Of(StatusCode code, string message) => new(new Status(code, message));
}
