using Microsoft.Extensions.Logging;
using StriveNetwork.Actors;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grpc;
using StriveNetwork.Grpc.Server;

namespace StriveNetwork.Gateway.Services;

/// <summary>Maps the grains' domain errors to gRPC statuses with their messages (one place for every service).</summary>
public sealed partial class GrainErrorInterceptor(ILogger<GrainErrorInterceptor> logger) : IGrpcInterceptor
{
    public async Task InterceptAsync(GrpcCallContext context, Func<GrpcCallContext, Task> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            await next(context).ConfigureAwait(false);
        }
        catch (GrainDomainException exception)
        {
            throw new GrpcStatusException(ToStatus(exception), exception.Message, innerException: exception);
        }
        catch (GrainCallTimeoutException exception)
        {
            LogGrainTimeout(logger, context.Method, exception);
            throw new GrpcStatusException(StatusCode.Unavailable, "the service did not answer in time; retry", innerException: exception);
        }
    }

    /// <summary>The status of a domain error.</summary>
    public static StatusCode ToStatus(GrainDomainException exception) => exception switch
    {
        GrainValidationException => StatusCode.InvalidArgument,
        NotFoundException => StatusCode.NotFound,
        AlreadyExistsException => StatusCode.AlreadyExists,
        ConflictException => StatusCode.Aborted,
        PreconditionFailedException => StatusCode.FailedPrecondition,
        _ => StatusCode.Internal,
    };

    [LoggerMessage(EventId = 6010, EventName = "GrainCallTimedOut", Level = LogLevel.Warning, Message = "Grain call timed out in {Method}")]
    private static partial void LogGrainTimeout(ILogger logger, string method, Exception exception);
}
