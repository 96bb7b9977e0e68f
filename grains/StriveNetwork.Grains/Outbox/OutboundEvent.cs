namespace StriveNetwork.Grains.Outbox;

/// <summary>An event a state change owes a receiver (added to the outbox by <see cref="OutboxGrain{TState, TEvent}.CommitAsync"/>).</summary>
/// <param name="LatestOnly">True when the receiver keeps only the latest event of this producer, so an older pending one can be dropped.</param>
public sealed record OutboundEvent<TEvent>(OutboxTarget Target, string TargetKey, TEvent Payload, bool LatestOnly);
