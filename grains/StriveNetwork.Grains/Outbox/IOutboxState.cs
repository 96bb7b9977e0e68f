namespace StriveNetwork.Grains.Outbox;

/// <summary>A grain state that carries the events its grain still owes.</summary>
/// <typeparam name="TSelf">The state type.</typeparam>
/// <typeparam name="TEvent">The event type.</typeparam>
public interface IOutboxState<TSelf, TEvent>
    where TSelf : IOutboxState<TSelf, TEvent>
{
    /// <summary>The events still owed.</summary>
    Outbox<TEvent> Outbox { get; }

    /// <summary>The same state with another outbox.</summary>
    TSelf WithOutbox(Outbox<TEvent> outbox);
}
