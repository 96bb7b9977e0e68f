namespace StriveNetwork.Actors.Persistence;

/// <summary>
/// Identifies one stored state: grain type, grain key and state name, stored as three columns and never
/// reduced to a hash (Orleans' ADO.NET provider collides on hashes; this runtime does not repeat that).
/// </summary>
public readonly record struct GrainStateKey(string GrainType, string GrainKey, string StateName)
{
    /// <inheritdoc />
    public override string ToString() => $"{GrainType}/{GrainKey}/{StateName}";
}

/// <summary>
/// A state record as read from a provider. <see cref="ETag"/> is the integer version as a string; it is
/// non-null for a cleared record (a tombstone) so that a stale writer still fails after a clear.
/// </summary>
/// <param name="Json">The state payload (JSON; jsonb in PostgreSQL). Empty object when the record was cleared.</param>
/// <param name="SchemaVersion">The payload's schema version, so old state can be migrated on read.</param>
/// <param name="ETag">Integer version as string.</param>
/// <param name="RecordExists">False when the record was cleared.</param>
public sealed record StoredGrainState(string Json, int SchemaVersion, string ETag, bool RecordExists);

/// <summary>An event to append to the stream log in the same transaction as a state write (outbox).</summary>
/// <param name="StreamNamespace">Stream namespace; implicit subscriptions are declared per namespace.</param>
/// <param name="StreamKey">Stream key; for implicit subscriptions it is the key of the subscriber grain.</param>
/// <param name="PayloadType">Stable name of the payload type.</param>
/// <param name="PayloadJson">Serialized payload.</param>
public sealed record StreamEventDraft(string StreamNamespace, string StreamKey, string PayloadType, string PayloadJson);

/// <summary>An event as stored in the stream log.</summary>
/// <param name="Position">Global, strictly increasing position in the provider's log.</param>
/// <param name="ProducerType">Grain type of the producer.</param>
/// <param name="ProducerKey">Grain key of the producer.</param>
/// <param name="ProducerSequence">Per-producer sequence, strictly increasing, assigned in the write transaction.
/// Subscribers keep the highest sequence seen per producer to stay idempotent.</param>
public sealed record StreamEventRecord(
    long Position,
    string StreamNamespace,
    string StreamKey,
    string ProducerType,
    string ProducerKey,
    long ProducerSequence,
    string PayloadType,
    string PayloadJson,
    DateTimeOffset CreatedAt);

/// <summary>An event that exhausted its delivery attempts for one subscription.</summary>
public sealed record DeadLetterRecord(string Subscription, StreamEventRecord Event, int Attempts, string Error, DateTimeOffset DeadLetteredAt);

/// <summary>Thrown when a write or clear carries an ETag that is not the stored one (Orleans' InconsistentStateException).</summary>
public sealed class InconsistentStateException(GrainStateKey key, string? storedETag, string? currentETag)
    : Exception($"Inconsistent state for {key}: the stored ETag is '{storedETag ?? "<none>"}' but the write carried '{currentETag ?? "<none>"}'. Another activation or writer changed it; re-read and re-decide.")
{
    /// <summary>The state that was written.</summary>
    public GrainStateKey Key { get; } = key;

    /// <summary>The ETag in storage.</summary>
    public string? StoredETag { get; } = storedETag;

    /// <summary>The ETag the writer carried.</summary>
    public string? CurrentETag { get; } = currentETag;
}

/// <summary>
/// A durable store of grain state and of the stream log. State writes and the events they publish are
/// committed in ONE transaction. ETag rules (orleans-model §1.5): a write or clear with a stale ETag fails
/// with <see cref="InconsistentStateException"/>; a write with a null ETag over an existing record fails;
/// every write changes the ETag; clear is idempotent and also changes the ETag.
/// </summary>
public interface IGrainStorage
{
    /// <summary>Provider name, e.g. "sqlite".</summary>
    string Name { get; }

    /// <summary>Creates or upgrades the schema (versioned scripts, idempotent).</summary>
    ValueTask InitializeAsync(CancellationToken cancellationToken = default);

    /// <summary>Reads a state; null when it was never written.</summary>
    ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default);

    /// <summary>
    /// Writes state and appends <paramref name="events"/> (producer = the grain of <paramref name="key"/>, sequences
    /// assigned here) in one transaction. Returns the new ETag.
    /// </summary>
    ValueTask<string> WriteAsync(
        GrainStateKey key,
        string json,
        int schemaVersion,
        string? expectedETag,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default);

    /// <summary>Clears a state (idempotent). Returns the new ETag of the tombstone.</summary>
    ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default);
}

/// <summary>The read side of the stream log: delivery, checkpoints and dead letters.</summary>
public interface IStreamLog
{
    /// <summary>Appends events published outside a state write (producer given explicitly). Returns their positions.</summary>
    ValueTask<IReadOnlyList<long>> AppendAsync(
        string producerType,
        string producerKey,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default);

    /// <summary>Reads up to <paramref name="maxCount"/> events of a namespace after a position, in position order.</summary>
    ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(
        string streamNamespace,
        long afterPosition,
        int maxCount,
        CancellationToken cancellationToken = default);

    /// <summary>The last position a subscription has fully processed (0 when none).</summary>
    ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>Moves a subscription's checkpoint forward (never backward).</summary>
    ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default);

    /// <summary>Records an event that exhausted its delivery attempts.</summary>
    ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default);

    /// <summary>Dead letters of a subscription, oldest first.</summary>
    ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default);

    /// <summary>The highest position in the log (0 when empty); with checkpoints it gives stream lag.</summary>
    ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default);
}
