using Microsoft.Extensions.Logging;

namespace StriveNetwork.Actors;

/// <summary>Source-generated log messages. Event ids: 1000-1999 activation, 2000-2999 calls, 3000-3999 persistence, 4000-4999 streams.</summary>
internal static partial class ActorLog
{
    [LoggerMessage(EventId = 1000, EventName = "Activated", Level = LogLevel.Debug, Message = "Activated grain {GrainId}")]
    public static partial void Activated(this ILogger logger, GrainId grainId);

    [LoggerMessage(EventId = 1001, EventName = "ActivationFailed", Level = LogLevel.Warning, Message = "Activation of grain {GrainId} failed")]
    public static partial void ActivationFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 1002, EventName = "Deactivated", Level = LogLevel.Debug, Message = "Deactivated grain {GrainId} ({Reason})")]
    public static partial void Deactivated(this ILogger logger, GrainId grainId, string reason);

    [LoggerMessage(EventId = 1003, EventName = "DeactivationFailed", Level = LogLevel.Warning, Message = "OnDeactivateAsync of grain {GrainId} failed")]
    public static partial void DeactivationFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 1004, EventName = "TimerFailed", Level = LogLevel.Warning, Message = "Timer callback of grain {GrainId} failed; the timer continues")]
    public static partial void TimerFailed(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 1005, EventName = "IdleCollected", Level = LogLevel.Debug, Message = "Idle collection deactivates {Count} activations")]
    public static partial void IdleCollected(this ILogger logger, int count);

    [LoggerMessage(EventId = 1006, EventName = "ShuttingDown", Level = LogLevel.Information, Message = "Silo shutting down: deactivating {Count} activations")]
    public static partial void ShuttingDown(this ILogger logger, int count);

    [LoggerMessage(EventId = 1007, EventName = "ReminderFailed", Level = LogLevel.Warning, Message = "Reminder {ReminderName} of grain {GrainId} failed")]
    public static partial void ReminderFailed(this ILogger logger, string reminderName, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 2000, EventName = "CallTimedOut", Level = LogLevel.Warning, Message = "Call {MethodName} on grain {GrainId} timed out after {Timeout}")]
    public static partial void CallTimedOut(this ILogger logger, string methodName, GrainId grainId, TimeSpan timeout);

    [LoggerMessage(EventId = 2001, EventName = "OneWayCallFailed", Level = LogLevel.Debug, Message = "One-way call {MethodName} on grain {GrainId} failed")]
    public static partial void OneWayCallFailed(this ILogger logger, string methodName, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 3000, EventName = "InconsistentState", Level = LogLevel.Warning, Message = "Grain {GrainId} hit an inconsistent state and is deactivated")]
    public static partial void InconsistentState(this ILogger logger, GrainId grainId, Exception exception);

    [LoggerMessage(EventId = 4000, EventName = "DeliveryFailed", Level = LogLevel.Debug, Message = "Delivery of event {Position} to {GrainId} failed (attempt {Attempt})")]
    public static partial void DeliveryFailed(this ILogger logger, long position, GrainId grainId, int attempt, Exception exception);

    [LoggerMessage(EventId = 4001, EventName = "DeadLettered", Level = LogLevel.Warning, Message = "Event {Position} for {GrainId} moved to the dead letters of {Subscription} after {Attempts} attempts")]
    public static partial void DeadLettered(this ILogger logger, long position, GrainId grainId, string subscription, int attempts);

    [LoggerMessage(EventId = 4002, EventName = "PumpFailed", Level = LogLevel.Error, Message = "Stream pump {Subscription} failed; it restarts after a backoff")]
    public static partial void PumpFailed(this ILogger logger, string subscription, Exception exception);
}
