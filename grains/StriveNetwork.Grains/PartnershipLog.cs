using Microsoft.Extensions.Logging;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Log messages of the partnership grain.</summary>
internal static partial class PartnershipLog
{
    [LoggerMessage(EventId = 5200, EventName = "DesignationsReevaluated", Level = LogLevel.Information,
        Message = "Partnership {PartnershipId}: designations re-evaluated as of {Date} ({Trigger}), {EventCount} award(s)/renewal(s)/lapse(s) recorded")]
    public static partial void Reevaluated(ILogger logger, string partnershipId, DateOnly date, ReevaluationTrigger trigger, int eventCount);

    [LoggerMessage(EventId = 5201, EventName = "ReminderNotRegistered", Level = LogLevel.Warning,
        Message = "Partnership {PartnershipId}: the re-evaluation reminder could not be registered ({ErrorType}); the next activation tries again")]
    public static partial void ReminderNotRegistered(ILogger logger, string partnershipId, string errorType);
}
