using System.Diagnostics;
using Grpc.Core;
using Microsoft.Extensions.Logging;

namespace StriveNetwork.Gateway.Interceptors;

/// <summary>
/// Logs the end of every call: method, status code and duration. Never request data: no messages, metadata, peer
/// addresses or status texts (those can echo request fields).
/// </summary>
public sealed partial class CallLoggingInterceptor(ILogger<CallLoggingInterceptor> logger) : WholeCallInterceptor
{
    protected override async Task<T> InterceptAsync<T>(ServerCallContext context, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var result = await next().ConfigureAwait(false);
            Log(context.Method, StatusCode.OK, started);
            return result;
        }
        catch (RpcException exception)
        {
            Log(context.Method, exception.StatusCode, started);
            throw;
        }
        catch (Exception)
        {
            // Only when something bypassed the error mapping; Grpc.AspNetCore answers UNKNOWN then.
            Log(context.Method, StatusCode.Unknown, started);
            throw;
        }
    }

    private void Log(string method, StatusCode status, long started)
    {
        var elapsedMs = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        if (IsServerFault(status))
        {
            LogCallFailed(logger, method, status, elapsedMs);
        }
        else
        {
            LogCallFinished(logger, method, status, elapsedMs);
        }
    }

    // The caller's mistakes (bad input, no token, not found) are routine; these mean the server could not serve.
    private static bool IsServerFault(StatusCode status) =>
        status is StatusCode.Internal or StatusCode.Unknown or StatusCode.Unavailable or StatusCode.DataLoss or StatusCode.Unimplemented;

    [LoggerMessage(EventId = 6020, EventName = "CallFinished", Level = LogLevel.Debug, Message = "Call {Method} finished with {Status} in {ElapsedMs:0.0} ms")]
    private static partial void LogCallFinished(ILogger logger, string method, StatusCode status, double elapsedMs);

    [LoggerMessage(EventId = 6021, EventName = "CallFailed", Level = LogLevel.Warning, Message = "Call {Method} failed with {Status} after {ElapsedMs:0.0} ms")]
    private static partial void LogCallFailed(ILogger logger, string method, StatusCode status, double elapsedMs);
}
