using System.Diagnostics.Metrics;
using StriveNetwork.Grains.Abstractions.Telemetry;

namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// Counters of outbox delivery on the <see cref="StriveMeter"/> meter, tagged with the receiver kind
/// (<c>strive.outbox.target</c>). A rising retry count means a receiver is unreachable or its storage fails; resumed
/// entries follow crashes, failovers and deactivations that left deliveries open; a refused entry is an event a
/// receiver rejected for good (also logged as an error).
/// </summary>
public sealed class OutboxMetrics
{
    private const string TargetTag = "strive.outbox.target";
    private readonly Counter<long> _retries;
    private readonly Counter<long> _resumed;
    private readonly Counter<long> _refused;

    /// <summary>Creates the counters on the meter of <paramref name="meterFactory"/>.</summary>
    public OutboxMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(StriveMeter.Name);
        _retries = meter.CreateCounter<long>(
            "strive.outbox.delivery.retries", "{attempt}", "Outbox deliveries that failed and are retried after a backoff");
        _resumed = meter.CreateCounter<long>(
            "strive.outbox.entries.resumed", "{entry}", "Outbox entries found stored when a grain activates, delivered (again) by the new activation");
        _refused = meter.CreateCounter<long>(
            "strive.outbox.entries.refused", "{entry}", "Outbox entries their receiver refused; dropped");
    }

    /// <summary>A delivery to <paramref name="target"/> failed and will be retried.</summary>
    public void Retried(OutboxTarget target) => _retries.Add(1, Tag(target));

    /// <summary>An activation found <paramref name="count"/> stored entries for <paramref name="target"/>.</summary>
    public void Resumed(OutboxTarget target, int count) => _resumed.Add(count, Tag(target));

    /// <summary><paramref name="target"/> refused an entry.</summary>
    public void Refused(OutboxTarget target) => _refused.Add(1, Tag(target));

    // The enum's four names: a fixed, small set of tag values.
    private static KeyValuePair<string, object?> Tag(OutboxTarget target) => new(TargetTag, target switch
    {
        OutboxTarget.Partnership => "partnership",
        OutboxTarget.NetworkShard => "network_shard",
        OutboxTarget.Network => "network",
        OutboxTarget.Cohort => "cohort",
        _ => "other",
    });
}
