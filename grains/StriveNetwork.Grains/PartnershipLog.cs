using Microsoft.Extensions.Logging;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Log messages of the partnership grain.</summary>
internal static partial class PartnershipLog
{
    [LoggerMessage(EventId = 5200, EventName = "DesignationsReevaluated", Level = LogLevel.Information,
        Message = "Partnership {PartnershipId}: designations re-evaluated as of {Date} ({Trigger}), {EventCount} award(s)/renewal(s)/lapse(s) recorded")]
    public static partial void Reevaluated(ILogger logger, string partnershipId, DateOnly date, ReevaluationTrigger trigger, int eventCount);
}
