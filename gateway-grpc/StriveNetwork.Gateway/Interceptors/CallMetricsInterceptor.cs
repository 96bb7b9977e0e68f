using System.Diagnostics;
using Grpc.Core;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Interceptors;

/// <summary>
/// Records every call's duration and final status in <see cref="GatewayMetrics"/>. Outermost, so it sees the status
/// the client gets (after the mapping of grain errors) and the time of the whole pipeline.
/// </summary>
public sealed class CallMetricsInterceptor(GatewayMetrics metrics) : WholeCallInterceptor
{
    protected override async Task<T> InterceptAsync<T>(ServerCallContext context, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var started = Stopwatch.GetTimestamp();
        var status = StatusCode.Unknown;
        try
        {
            var result = await next().ConfigureAwait(false);
            status = StatusCode.OK;
            return result;
        }
        catch (RpcException exception)
        {
            status = exception.StatusCode;
            throw;
        }
        finally
        {
            // Anything else bypassed the error mapping; Grpc.AspNetCore answers UNKNOWN then.
            metrics.CallFinished(context.Method, status, Stopwatch.GetElapsedTime(started));
        }
    }
}
