using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Providers;

namespace StriveNetwork.Gateway.Errors;

/// <summary>
/// Turns whatever a call throws into the status the API promises, in one place for every service: domain errors to
/// their codes with their (client-safe) messages, Orleans' transient failures to UNAVAILABLE, cancellation to
/// CANCELLED or DEADLINE_EXCEEDED, a full store to RESOURCE_EXHAUSTED, an unreachable one to UNAVAILABLE, a lost ETag
/// race (Orleans InconsistentStateException) to ABORTED, and anything else to INTERNAL with an error id that is logged with the exception
/// (the client never sees exception text or a stack trace). Every status message leaving it is at most
/// <see cref="MaxMessageLength"/> characters. <see cref="Interceptors.FrontDoorInterceptor"/> applies it to every call.
/// </summary>
public sealed partial class GrainErrorMapping(ILogger<GrainErrorMapping> logger, TimeProvider timeProvider)
{
    /// <summary>The message of INTERNAL answers; <c>{0}</c> is the error id, which is logged with the exception.</summary>
    public const string InternalMessageFormat = "internal error (error id {0}); the server logged the details";

    /// <summary>The most characters of any status message this gateway sends (longer ones are cut, marked with "…").</summary>
    public const int MaxMessageLength = 300;

    /// <summary>The message of RESOURCE_EXHAUSTED when storage is full.</summary>
    public const string StorageFullMessage = "storage is full; nothing was written";

    /// <summary>The message of UNAVAILABLE when storage cannot be reached.</summary>
    public const string StorageUnavailableMessage = "storage is unavailable; retry later";

    /// <summary>The message of ABORTED when a state write lost an ETag race.</summary>
    public const string ConcurrentChangeMessage = "the state changed concurrently; re-read and retry";

    /// <summary>The status <paramref name="exception"/>, thrown by the call on <paramref name="context"/>, answers with (message capped).</summary>
    public RpcException ToRpcException(ServerCallContext context, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(exception);
        return Capped(Map(context, exception));
    }

    /// <summary>
    /// <paramref name="exception"/> with its status message cut to <see cref="MaxMessageLength"/> characters, the last
    /// line of defence against a message that quotes too much.
    /// </summary>
    public static RpcException Capped(RpcException exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        var detail = exception.Status.Detail ?? string.Empty;
        return detail.Length <= MaxMessageLength
            ? exception
            : new RpcException(new Status(exception.StatusCode, detail[..(MaxMessageLength - 1)] + "…"), exception.Trailers);
    }

    private RpcException Map(ServerCallContext context, Exception exception)
    {
        if (exception is RpcException rpc)
        {
            return rpc;
        }

        // Orleans wraps a storage provider's exception (StateStorageBridge: "Error from storage provider ...") and
        // grain code may wrap further: the cause is somewhere down the chain.
        if (Find<GrainDomainException>(exception) is { } domain)
        {
            return GatewayErrors.Of(ToStatus(domain), domain.Message);
        }

        if (Find<GrainStorageFullException>(exception) is not null)
        {
            LogStorageFailed(logger, context.Method, nameof(GrainStorageFullException), exception);
            return GatewayErrors.Of(StatusCode.ResourceExhausted, StorageFullMessage);
        }

        if (Find<GrainStorageUnavailableException>(exception) is not null)
        {
            LogStorageFailed(logger, context.Method, nameof(GrainStorageUnavailableException), exception);
            return GatewayErrors.Of(StatusCode.Unavailable, StorageUnavailableMessage);
        }

        if (Find<InconsistentStateException>(exception) is not null)
        {
            LogConcurrentChange(logger, context.Method);
            return GatewayErrors.Of(StatusCode.Aborted, ConcurrentChangeMessage);
        }

        if (IsTransient(exception))
        {
            LogGrainUnavailable(logger, context.Method, exception.GetType().Name, exception);
            return GatewayErrors.Of(StatusCode.Unavailable, exception is TimeoutException
                ? "the service did not answer in time; retry"
                : "the service is temporarily unavailable; retry");
        }

        if (exception is OperationCanceledException && context.CancellationToken.IsCancellationRequested)
        {
            // The client went away or its deadline passed: Grpc.AspNetCore has answered already, this only keeps
            // the status right for the interceptors outside and out of the error log.
            return context.Deadline <= timeProvider.GetUtcNow().UtcDateTime
                ? GatewayErrors.Of(StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : GatewayErrors.Of(StatusCode.Cancelled, "the call was cancelled");
        }

        var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
        LogInternalError(logger, context.Method, errorId, exception);
        return GatewayErrors.Of(StatusCode.Internal, string.Format(System.Globalization.CultureInfo.InvariantCulture, InternalMessageFormat, errorId));
    }

    /// <summary>The first exception of type <typeparamref name="TException"/> in the chain of inner (and aggregated) exceptions; bounded in depth.</summary>
    public static TException? Find<TException>(Exception exception)
        where TException : Exception
    {
        var pending = new Queue<Exception>();
        pending.Enqueue(exception);
        for (var visited = 0; pending.Count > 0 && visited < 32; visited++)
        {
            var current = pending.Dequeue();
            if (current is TException found)
            {
                return found;
            }

            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions)
                {
                    pending.Enqueue(inner);
                }
            }
            else if (current.InnerException is { } inner)
            {
                pending.Enqueue(inner);
            }
        }

        return null;
    }

    /// <summary>The status of a domain error.</summary>
    public static StatusCode ToStatus(GrainDomainException exception) => exception switch
    {
        GrainValidationException => StatusCode.InvalidArgument,
        NotFoundException => StatusCode.NotFound,
        AlreadyExistsException => StatusCode.AlreadyExists,
        ConflictException => StatusCode.Aborted,
        PreconditionFailedException => StatusCode.FailedPrecondition,
        QuotaExceededException => StatusCode.ResourceExhausted,
        _ => StatusCode.Internal,
    };

    /// <summary>
    /// Whether Orleans failed to deliver or answer a grain call for a reason that passes (a response timeout, a silo
    /// that left, a message rejected while activations move, a client gateway that is busy or not connected): worth a
    /// retry by the client. Orleans reports response timeouts as <see cref="TimeoutException"/>.
    /// </summary>
    public static bool IsTransient(Exception exception) =>
        // SiloUnavailableException is an OrleansMessageRejectionException.
        exception is TimeoutException or OrleansMessageRejectionException or GatewayTooBusyException or ClientNotAvailableException;

    [LoggerMessage(EventId = 6010, EventName = "GrainCallUnavailable", Level = LogLevel.Warning, Message = "Grain call failed transiently in {Method} ({ExceptionType}); answered UNAVAILABLE")]
    private static partial void LogGrainUnavailable(ILogger logger, string method, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 6012, EventName = "StorageFailed", Level = LogLevel.Warning, Message = "Call {Method} failed in storage ({ExceptionType}); answered with its status")]
    private static partial void LogStorageFailed(ILogger logger, string method, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 6013, EventName = "ConcurrentChange", Level = LogLevel.Information, Message = "Call {Method} lost a state write to a concurrent change; answered ABORTED")]
    private static partial void LogConcurrentChange(ILogger logger, string method);

    [LoggerMessage(EventId = 6011, EventName = "CallFailedInternally", Level = LogLevel.Error, Message = "Call {Method} failed; answered INTERNAL with error id {ErrorId}")]
    private static partial void LogInternalError(ILogger logger, string method, string errorId, Exception exception);
}
