using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Tests;

/// <summary>The real memory provider, counting the calls the runtime makes to it.</summary>
public sealed class CountingStorage(MemoryGrainStorage inner) : IGrainStorage, IStreamLog
{
    private int _writes;
    private int _appends;

    public string Name => inner.Name;

    public int Writes => Volatile.Read(ref _writes);

    public int Appends => Volatile.Read(ref _appends);

    public List<int> EventsPerWrite { get; } = [];

    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public ValueTask<string> WriteAsync(GrainStateKey key, string json, int schemaVersion, string? expectedETag, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default)
    {
        if (key.GrainType != "__reminders")
        {
            Interlocked.Increment(ref _writes);
            lock (EventsPerWrite)
            {
                EventsPerWrite.Add(events.Count);
            }
        }

        return inner.WriteAsync(key, json, schemaVersion, expectedETag, events, cancellationToken);
    }

    public ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default) => inner.ClearAsync(key, expectedETag, cancellationToken);

    public ValueTask<IReadOnlyList<long>> AppendAsync(string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default)
    {
        Interlocked.Increment(ref _appends);
        return inner.AppendAsync(producerType, producerKey, events, cancellationToken);
    }

    public ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(string streamNamespace, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
        => inner.ReadAsync(streamNamespace, afterPosition, maxCount, cancellationToken);

    public ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default) => inner.GetCheckpointAsync(subscription, cancellationToken);

    public ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default) => inner.SaveCheckpointAsync(subscription, position, cancellationToken);

    public ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default) => inner.DeadLetterAsync(deadLetter, cancellationToken);

    public ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default) => inner.ReadDeadLettersAsync(subscription, cancellationToken);

    public ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => inner.GetHeadPositionAsync(cancellationToken);
}
