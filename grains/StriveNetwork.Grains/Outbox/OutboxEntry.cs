namespace StriveNetwork.Grains.Outbox;

/// <summary>The kind of grain an outbox entry is for.</summary>
[GenerateSerializer, Alias("strive.OutboxTarget")]
public enum OutboxTarget
{
    Partnership = 1,
    NetworkShard = 2,
    Network = 3,
    Cohort = 4,
}

/// <summary>
/// An event a grain owes another grain, stored in the producer's state in the same write as the change that caused it,
/// and kept there until the receiver acknowledged it.
/// </summary>
/// <param name="Sequence">Position in the producer's outbox (increasing; identifies the entry for acknowledgement).</param>
/// <param name="Target">The kind of receiving grain.</param>
/// <param name="TargetKey">The receiving grain's key.</param>
/// <param name="Payload">The event; receivers are idempotent by the producer sequence it carries.</param>
[GenerateSerializer, Immutable, Alias("strive.OutboxEntry`1")]
public sealed record OutboxEntry<T>(long Sequence, OutboxTarget Target, string TargetKey, T Payload);
