using System.Security.Cryptography;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Interceptors;

/// <summary>
/// Turns whatever a call throws into the status the API promises, in one place for every service: domain errors to
/// their codes with their (client-safe) messages, Orleans' transient failures to UNAVAILABLE, cancellation to
/// CANCELLED or DEADLINE_EXCEEDED, and anything else to INTERNAL with an error id that is logged with the exception
/// (the client never sees exception text or a stack trace).
/// </summary>
public sealed partial class GrainErrorInterceptor(ILogger<GrainErrorInterceptor> logger, TimeProvider timeProvider) : WholeCallInterceptor
{
    /// <summary>The message of INTERNAL answers; <c>{0}</c> is the error id, which is logged with the exception.</summary>
    public const string InternalMessageFormat = "internal error (error id {0}); the server logged the details";

    protected override async Task<T> InterceptAsync<T>(ServerCallContext context, Func<Task<T>> next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        try
        {
            return await next().ConfigureAwait(false);
        }
        catch (RpcException)
        {
            throw;
        }
        catch (GrainDomainException exception)
        {
            throw GatewayErrors.Of(ToStatus(exception), exception.Message);
        }
        catch (Exception exception) when (IsTransient(exception))
        {
            LogGrainUnavailable(logger, context.Method, exception.GetType().Name, exception);
            throw GatewayErrors.Of(StatusCode.Unavailable, exception is TimeoutException
                ? "the service did not answer in time; retry"
                : "the service is temporarily unavailable; retry");
        }
        catch (OperationCanceledException) when (context.CancellationToken.IsCancellationRequested)
        {
            // The client went away or its deadline passed: Grpc.AspNetCore has answered already, this only keeps
            // the status right for the interceptors outside and out of the error log.
            throw context.Deadline <= timeProvider.GetUtcNow().UtcDateTime
                ? GatewayErrors.Of(StatusCode.DeadlineExceeded, "Deadline Exceeded")
                : GatewayErrors.Of(StatusCode.Cancelled, "the call was cancelled");
        }
        catch (Exception exception)
        {
            var errorId = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6));
            LogInternalError(logger, context.Method, errorId, exception);
            throw GatewayErrors.Of(StatusCode.Internal, string.Format(System.Globalization.CultureInfo.InvariantCulture, InternalMessageFormat, errorId));
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

    [LoggerMessage(EventId = 6011, EventName = "CallFailedInternally", Level = LogLevel.Error, Message = "Call {Method} failed; answered INTERNAL with error id {ErrorId}")]
    private static partial void LogInternalError(ILogger logger, string method, string errorId, Exception exception);
}
