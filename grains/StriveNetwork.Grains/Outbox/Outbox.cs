namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// The events a grain still owes (part of its durable state, so a state write and its effects are one write).
/// Immutable: every change returns a new outbox.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.Outbox`1")]
public sealed record Outbox<T>
{
    /// <summary>No entries.</summary>
    public static Outbox<T> Empty { get; } = new();

    /// <summary>Undelivered (or not yet known to be delivered) entries, in the order they must be delivered.</summary>
    [Id(0)]
    public IReadOnlyList<OutboxEntry<T>> Entries { get; init; } = [];

    /// <summary>Sequence of the last entry ever added (never reused).</summary>
    [Id(1)]
    public long LastSequence { get; init; }

    /// <summary>
    /// Appends an event for a receiver. With <paramref name="latestOnly"/>, an older pending entry for the same receiver
    /// is dropped: the receiver keeps only the latest event of this producer, so the older one would change nothing.
    /// </summary>
    public Outbox<T> Add(OutboxTarget target, string targetKey, T payload, bool latestOnly)
    {
        ArgumentNullException.ThrowIfNull(targetKey);
        var kept = latestOnly
            ? Entries.Where(e => e.Target != target || !string.Equals(e.TargetKey, targetKey, StringComparison.Ordinal))
            : Entries;
        var sequence = LastSequence + 1;
        return new Outbox<T> { Entries = [.. kept, new OutboxEntry<T>(sequence, target, targetKey, payload)], LastSequence = sequence };
    }

    /// <summary>
    /// Appends an event for a receiver, combined with the receiver's last pending entry when that entry's delivery has
    /// not begun (its sequence is not in <paramref name="started"/>): the combined entry replaces it. An entry whose
    /// delivery began may already be applied, so it is never changed; the new one then follows it. Keeps the outbox
    /// bounded (at most one started and one open entry per receiver) while the receiver still sees every change.
    /// </summary>
    public Outbox<T> AddMerged(OutboxTarget target, string targetKey, T payload, Func<T, T, T> merge, IReadOnlySet<long> started)
    {
        ArgumentNullException.ThrowIfNull(targetKey);
        ArgumentNullException.ThrowIfNull(merge);
        ArgumentNullException.ThrowIfNull(started);
        var last = Entries.LastOrDefault(e => e.Target == target && string.Equals(e.TargetKey, targetKey, StringComparison.Ordinal));
        var sequence = LastSequence + 1;
        if (last is null || started.Contains(last.Sequence))
        {
            return new Outbox<T> { Entries = [.. Entries, new OutboxEntry<T>(sequence, target, targetKey, payload)], LastSequence = sequence };
        }

        // Per-receiver order is kept: the replaced entry was the receiver's last one, and so is the merged one.
        return new Outbox<T>
        {
            Entries = [.. Entries.Where(e => e.Sequence != last.Sequence), new OutboxEntry<T>(sequence, target, targetKey, merge(last.Payload, payload))],
            LastSequence = sequence,
        };
    }

    /// <summary>The outbox without the entries whose sequences are in <paramref name="delivered"/>.</summary>
    public Outbox<T> Without(IReadOnlySet<long> delivered)
    {
        ArgumentNullException.ThrowIfNull(delivered);
        return delivered.Count == 0 || !Entries.Any(e => delivered.Contains(e.Sequence))
            ? this
            : this with { Entries = [.. Entries.Where(e => !delivered.Contains(e.Sequence))] };
    }
}
