using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Memory;

/// <summary>
/// In-memory grain storage and stream log, for unit tests only (nothing survives the process). It follows
/// exactly the same ETag, outbox and checkpoint rules as the SQLite and PostgreSQL providers; the shared
/// conformance suite runs against all three.
/// </summary>
/// <remarks>
/// ETag rule, the same for write and clear: the carried ETag must equal the stored one, where a state that
/// was never written has no ETag (null). A cleared state keeps a tombstone with an ETag, so after a clear only
/// the tombstone's ETag is accepted and a null ETag is rejected: a writer that read "nothing" before another
/// writer wrote and cleared must still fail. One lock guards everything: a state write and its events are
/// committed together, as one transaction would in a database.
/// </remarks>
public sealed class MemoryGrainStorage : IGrainStorage, IStreamLog
{
    private readonly Lock _lock = new();
    private readonly Dictionary<GrainStateKey, Row> _states = [];
    private readonly Dictionary<(string Type, string Key), long> _producerSequences = [];
    private readonly List<StreamEventRecord> _events = [];
    private readonly Dictionary<string, long> _checkpoints = new(StringComparer.Ordinal);
    private readonly List<DeadLetterRecord> _deadLetters = [];
    private readonly TimeProvider _timeProvider;

    /// <summary>Creates an empty store.</summary>
    /// <param name="name">Provider name.</param>
    /// <param name="timeProvider">Clock for event and dead-letter timestamps; the system clock when null.</param>
    public MemoryGrainStorage(string name = "memory", TimeProvider? timeProvider = null)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        Name = name;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    /// <inheritdoc />
    public string Name { get; }

    /// <inheritdoc />
    public ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(_states.TryGetValue(key, out var row) ? row.ToStored() : null);
        }
    }

    /// <inheritdoc />
    public ValueTask<string> WriteAsync(
        GrainStateKey key,
        string json,
        int schemaVersion,
        string? expectedETag,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        StorageArguments.ValidateJson(json, nameof(json));
        StorageArguments.ValidateDrafts(events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var version = CheckETag(key, expectedETag) + 1;
            _states[key] = new Row(json, schemaVersion, version, RecordExists: true);
            AppendLocked(key.GrainType, key.GrainKey, events);
            return ValueTask.FromResult(FormatETag(version));
        }
    }

    /// <inheritdoc />
    public ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            var version = CheckETag(key, expectedETag) + 1;
            var schemaVersion = _states.TryGetValue(key, out var old) ? old.SchemaVersion : 0;
            _states[key] = new Row("{}", schemaVersion, version, RecordExists: false);
            return ValueTask.FromResult(FormatETag(version));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<long>> AppendAsync(
        string producerType,
        string producerKey,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateProducer(producerType, producerKey);
        StorageArguments.ValidateDrafts(events);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<long>>(AppendLocked(producerType, producerKey, events));
        }
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(
        string streamNamespace,
        long afterPosition,
        int maxCount,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamNamespace);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            // Positions are 1-based and dense here, so the first candidate sits at index afterPosition.
            var result = new List<StreamEventRecord>();
            for (var i = (int)Math.Min(afterPosition, _events.Count); i < _events.Count && result.Count < maxCount; i++)
            {
                if (string.Equals(_events[i].StreamNamespace, streamNamespace, StringComparison.Ordinal))
                {
                    result.Add(_events[i]);
                }
            }

            return ValueTask.FromResult<IReadOnlyList<StreamEventRecord>>(result);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult(_checkpoints.GetValueOrDefault(subscription));
        }
    }

    /// <inheritdoc />
    public ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            if (position > _checkpoints.GetValueOrDefault(subscription))
            {
                _checkpoints[subscription] = position;
            }
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateDeadLetter(deadLetter);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            _deadLetters.Add(deadLetter);
        }

        return ValueTask.CompletedTask;
    }

    /// <inheritdoc />
    public ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult<IReadOnlyList<DeadLetterRecord>>(
                [.. _deadLetters.Where(d => string.Equals(d.Subscription, subscription, StringComparison.Ordinal))]);
        }
    }

    /// <inheritdoc />
    public ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        lock (_lock)
        {
            return ValueTask.FromResult((long)_events.Count);
        }
    }

    private static string FormatETag(long version) => StorageArguments.FormatETag(version);

    /// <summary>Returns the stored version (0 when never written) or throws when the carried ETag differs.</summary>
    private long CheckETag(GrainStateKey key, string? expectedETag)
    {
        var stored = _states.TryGetValue(key, out var row) ? FormatETag(row.Version) : null;
        if (!string.Equals(stored, expectedETag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException(key, stored, expectedETag);
        }

        return row?.Version ?? 0;
    }

    private List<long> AppendLocked(string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events)
    {
        var positions = new List<long>(events.Count);
        if (events.Count == 0)
        {
            return positions;
        }

        var sequence = _producerSequences.GetValueOrDefault((producerType, producerKey));
        var now = _timeProvider.GetUtcNow();
        foreach (var draft in events)
        {
            sequence++;
            var position = _events.Count + 1L;
            _events.Add(new StreamEventRecord(
                position, draft.StreamNamespace, draft.StreamKey, producerType, producerKey, sequence, draft.PayloadType, draft.PayloadJson, now));
            positions.Add(position);
        }

        _producerSequences[(producerType, producerKey)] = sequence;
        return positions;
    }

    private sealed record Row(string Json, int SchemaVersion, long Version, bool RecordExists)
    {
        public StoredGrainState ToStored() => new(Json, SchemaVersion, FormatETag(Version), RecordExists);
    }
}
