using System.Diagnostics;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core.Features;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Server;

/// <summary>Runs gRPC calls on HTTP requests: validation, deadline, interceptors, handler, status.</summary>
public sealed class GrpcCallDispatcher
{
    private readonly GrpcServerOptions _options;
    private readonly GrpcServerMetrics _metrics;
    private readonly ILogger _logger;
    private readonly CancellationToken _stopping;

    /// <summary>Creates the dispatcher.</summary>
    /// <param name="lifetime">When given, streaming calls end with UNAVAILABLE as soon as the host starts stopping,
    /// instead of holding graceful shutdown until its timeout (a watch stream never ends on its own).</param>
    public GrpcCallDispatcher(IOptions<GrpcServerOptions> options, GrpcServerMetrics metrics, ILogger<GrpcCallDispatcher> logger, IHostApplicationLifetime? lifetime = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        _options = options.Value;
        _metrics = metrics;
        _logger = logger;
        _stopping = lifetime?.ApplicationStopping ?? CancellationToken.None;
    }

    internal Task HandleUnknownAsync(HttpContext httpContext)
    {
        if (!TryValidate(httpContext))
        {
            return Task.CompletedTask;
        }

        var path = httpContext.Request.Path.Value ?? string.Empty;
        GrpcLog.Unimplemented(_logger, path);
        var response = httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        response.Headers[GrpcProtocol.StatusHeader] = "12";
        response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.PercentEncode($"Method '{path}' is unimplemented.");
        _metrics.Finished(path, StatusCode.Unimplemented, 0);
        return Task.CompletedTask;
    }

    internal async Task HandleAsync(HttpContext httpContext, GrpcMethodBinding binding)
    {
        if (!TryValidate(httpContext))
        {
            return;
        }

        var started = Stopwatch.GetTimestamp();
        _metrics.Started(binding.Path);
        var response = httpContext.Response;
        response.ContentType = GrpcProtocol.ContentType;
        if (httpContext.Request.Headers.ContainsKey(GrpcProtocol.EncodingHeader))
        {
            // Tell a compressing client what it may use (grpc-js stops compressing if its algorithm is absent).
            // Omitted otherwise: it is optional and costs an extra non-static header on every hot-path response.
            response.Headers[GrpcProtocol.AcceptEncodingHeader] = GrpcCompression.AcceptEncodingValue;
        }

        if (binding.Type is GrpcMethodType.ClientStreaming or GrpcMethodType.DuplexStreaming)
        {
            // Streaming requests may idle or exceed the HTTP body cap legitimately; gRPC limits are per message.
            if (httpContext.Features.Get<IHttpMinRequestBodyDataRateFeature>() is { } rate)
            {
                rate.MinDataRate = null;
            }

            if (httpContext.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } size)
            {
                size.MaxRequestBodySize = null;
            }
        }

        var call = new GrpcServerCall(httpContext, _options);
        CancellationTokenSource? deadlineSource = null;
        CancellationTokenSource? linked = null;
        CancellationTokenSource? stoppingLinked = null;
        ITimer? timer = null;
        TaskCompletionSource? deadlineFired = null;
        var deadline = DateTime.MaxValue;
        var token = httpContext.RequestAborted;
        if (binding.Type != GrpcMethodType.Unary && _stopping.CanBeCanceled)
        {
            // Unary calls finish on their own and Kestrel drains them; streams are told to end.
            stoppingLinked = CancellationTokenSource.CreateLinkedTokenSource(token, _stopping);
            token = stoppingLinked.Token;
        }

        var timeoutValue = httpContext.Request.Headers[GrpcProtocol.TimeoutHeader].ToString();
        if (timeoutValue.Length > 0)
        {
            if (GrpcProtocol.TryParseTimeout(timeoutValue, out var timeout))
            {
                deadline = _options.TimeProvider.GetUtcNow().UtcDateTime + timeout;
                deadlineSource = new CancellationTokenSource();
                linked = CancellationTokenSource.CreateLinkedTokenSource(token, deadlineSource.Token);
                token = linked.Token;
                deadlineFired = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                call.EnableDeadlineLock();
                var fired = deadlineFired;
                timer = _options.TimeProvider.CreateTimer(static state => ((TaskCompletionSource)state!).TrySetResult(), fired, timeout, Timeout.InfiniteTimeSpan);
            }
            else
            {
                GrpcLog.BadTimeout(_logger, timeoutValue, binding.Path);
            }
        }

        call.Context = new GrpcCallContext(call, httpContext, binding.Method, binding.Path, deadline, token);
        var status = StatusCode.OK;
        try
        {
            Task work;
            try
            {
                work = RunAsync(call, binding);
            }
            catch (Exception ex)
            {
                // Interceptors and handlers may throw before their first await; treat it like a faulted call.
                work = Task.FromException(ex);
            }

            if (deadlineFired is not null && !work.IsCompleted)
            {
                var first = await Task.WhenAny(work, deadlineFired.Task).ConfigureAwait(false);
                if (first != work)
                {
                    status = StatusCode.DeadlineExceeded;
                    GrpcLog.DeadlineExceeded(_logger, binding.Path);
                    await deadlineSource!.CancelAsync().ConfigureAwait(false);
                    await call.CompleteWithDeadlineAsync().ConfigureAwait(false);
                }
            }

            status = await FinishAsync(call, binding, work, status).ConfigureAwait(false);
        }
        finally
        {
            timer?.Dispose();
            linked?.Dispose();
            stoppingLinked?.Dispose();
            deadlineSource?.Dispose();
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            _metrics.Finished(binding.Path, status, elapsed);
            GrpcLog.CallFinished(_logger, binding.Path, status, elapsed);
        }
    }

    private Task RunAsync(GrpcServerCall call, GrpcMethodBinding binding)
    {
        var interceptors = _options.Interceptors;
        if (interceptors.Count == 0)
        {
            return binding.InvokeAsync(call);
        }

        Func<GrpcCallContext, Task> next = _ => binding.InvokeAsync(call);
        for (var i = interceptors.Count - 1; i >= 0; i--)
        {
            var interceptor = interceptors[i];
            var inner = next;
            next = context => interceptor.InterceptAsync(context, inner);
        }

        return next(call.Context);
    }

    private async Task<StatusCode> FinishAsync(GrpcServerCall call, GrpcMethodBinding binding, Task work, StatusCode status)
    {
        var httpContext = call.HttpContext;
        try
        {
            await work.ConfigureAwait(false);
            if (status == StatusCode.OK)
            {
                await call.WriteStatusAsync(StatusCode.OK, null, null).ConfigureAwait(false);
            }

            return status;
        }
        catch (Exception) when (status == StatusCode.DeadlineExceeded)
        {
            // The deadline already produced the status; the handler's failure is the expected cancellation.
            return status;
        }
        catch (Exception ex) when (httpContext.RequestAborted.IsCancellationRequested)
        {
            _ = ex;
            GrpcLog.CallCancelled(_logger, binding.Path);
            return StatusCode.Cancelled;
        }
        catch (Exception ex) when (_stopping.IsCancellationRequested && binding.Type != GrpcMethodType.Unary)
        {
            // The stream ended because the server is stopping: a status the client can act on (reconnect).
            _ = ex;
            await call.WriteStatusAsync(StatusCode.Unavailable, "the server is shutting down; call again", null).ConfigureAwait(false);
            return StatusCode.Unavailable;
        }
        catch (GrpcStatusException ex)
        {
            await call.WriteStatusAsync(ex.StatusCode, ex.Detail, ex.Trailers).ConfigureAwait(false);
            return ex.StatusCode;
        }
        catch (GrpcProtocolException ex)
        {
            GrpcLog.ProtocolError(_logger, binding.Path, ex.StatusCode, ex.Message);
            await call.WriteStatusAsync(ex.StatusCode, ex.Message, null).ConfigureAwait(false);
            return ex.StatusCode;
        }
        catch (Exception ex)
        {
            GrpcLog.HandlerFailed(_logger, binding.Path, ex);
            var detail = _options.EnableDetailedErrors ? $"Exception was thrown by handler. {ex.GetType().Name}: {ex.Message}" : "Exception was thrown by handler.";
            await call.WriteStatusAsync(StatusCode.Unknown, detail, null).ConfigureAwait(false);
            return StatusCode.Unknown;
        }
    }

    private bool TryValidate(HttpContext httpContext)
    {
        var request = httpContext.Request;
        var response = httpContext.Response;
        if (!HttpMethods.IsPost(request.Method))
        {
            Reject(httpContext, StatusCodes.Status405MethodNotAllowed, "gRPC requires POST.");
            return false;
        }

        if (!HttpProtocol.IsHttp2(request.Protocol) && !HttpProtocol.IsHttp3(request.Protocol))
        {
            response.Headers.Upgrade = "HTTP/2";
            Reject(httpContext, StatusCodes.Status426UpgradeRequired, $"Request protocol '{request.Protocol}' is not supported: gRPC requires HTTP/2.");
            return false;
        }

        if (!GrpcProtocol.IsGrpcContentType(request.ContentType))
        {
            Reject(httpContext, StatusCodes.Status415UnsupportedMediaType, $"Content-Type '{request.ContentType}' is not supported: gRPC requires application/grpc.");
            return false;
        }

        return true;
    }

    private void Reject(HttpContext httpContext, int httpStatus, string reason)
    {
        GrpcLog.RequestRejected(_logger, httpContext.Request.Path.Value ?? string.Empty, httpStatus, reason);
        var response = httpContext.Response;
        response.StatusCode = httpStatus;
        response.Headers[GrpcProtocol.StatusHeader] = "13";
        response.Headers[GrpcProtocol.MessageHeader] = GrpcProtocol.PercentEncode(reason);
    }
}
