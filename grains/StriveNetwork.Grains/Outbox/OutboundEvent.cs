namespace StriveNetwork.Grains.Outbox;

/// <summary>An event a state change owes a receiver (added to the outbox by <see cref="OutboxGrain{TState, TEvent}.CommitAsync"/>).</summary>
/// <param name="LatestOnly">True when the receiver keeps only the latest event of this producer, so an older pending one can be dropped.</param>
/// <param name="Merge">
/// When set (and <paramref name="LatestOnly"/> is false): the receiver needs every change, but consecutive pending
/// events may be combined; the last pending event for the receiver whose delivery has not begun is replaced by
/// <c>Merge(pending, this)</c> (docs/adr/0016).
/// </param>
public sealed record OutboundEvent<TEvent>(OutboxTarget Target, string TargetKey, TEvent Payload, bool LatestOnly, Func<TEvent, TEvent, TEvent>? Merge = null);
