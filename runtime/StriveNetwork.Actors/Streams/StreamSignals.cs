namespace StriveNetwork.Actors.Streams;

/// <summary>Wakes stream pumps when this silo writes events to a provider's log, so delivery does not wait for the next poll.</summary>
public sealed class StreamSignals
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, TaskCompletionSource> _signals = new(StringComparer.Ordinal);

    /// <summary>A task that completes at the next <see cref="Notify"/> for the provider. Take it before reading the log so no write is missed.</summary>
    public Task WhenNotified(string providerName)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        lock (_lock)
        {
            if (!_signals.TryGetValue(providerName, out var signal))
            {
                signal = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                _signals[providerName] = signal;
            }

            return signal.Task;
        }
    }

    /// <summary>Signals that events were appended to the provider's log.</summary>
    public void Notify(string providerName)
    {
        ArgumentNullException.ThrowIfNull(providerName);
        TaskCompletionSource? signal;
        lock (_lock)
        {
            _signals.Remove(providerName, out signal);
        }

        signal?.TrySetResult();
    }
}
