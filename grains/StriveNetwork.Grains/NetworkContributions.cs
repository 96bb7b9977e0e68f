using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>
/// The network grain's working copy of every shard's contribution (docs/adr/0021): per shard the counts as of the
/// sequence last applied, and their sum. Nothing here is stored: each shard stores its own counts with the delta that
/// changed them, so this copy is always rebuilt from the shards and never ahead of what they stored.
/// </summary>
/// <remarks>Grain-scheduler only (not thread-safe): every member is called from the owning activation's turns.</remarks>
internal sealed class NetworkContributions
{
    private readonly Dictionary<string, (long Sequence, RollupCounter Counts)> _shards = new(StringComparer.Ordinal);

    /// <summary>The sum of every shard's counts.</summary>
    public RollupCounter Total { get; } = new();

    /// <summary>The sum of the shards' applied sequences: grows by one per applied delta and never falls.</summary>
    public long SequenceSum { get; private set; }

    /// <summary>
    /// How often <see cref="Take"/> found this copy's counts differ from a shard's at the same sequence (a copy that
    /// drifted, which only a fault in counting can cause): each repair changes the rollup without a new sequence.
    /// </summary>
    public long Repairs { get; private set; }

    /// <summary>The latest shard write among those applied.</summary>
    public DateTimeOffset UpdateTime { get; private set; }

    /// <summary>The sequence applied for <paramref name="shardKey"/> (0 before any).</summary>
    public long SequenceOf(string shardKey) => _shards.TryGetValue(shardKey, out var held) ? held.Sequence : 0;

    /// <summary>
    /// Applies <paramref name="delta"/> when it is its shard's next sequence. Answers
    /// <see cref="DeltaOutcome.Skipped"/> for one at or below the applied sequence (redelivered, or included by a
    /// later <see cref="Take"/>) and <see cref="DeltaOutcome.Gap"/> for one beyond the next (one went missing), which
    /// changes nothing: the caller takes the shard's counts instead.
    /// </summary>
    public DeltaOutcome Apply(ShardDelta delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        var held = _shards.GetValueOrDefault(delta.ShardKey, (0, new RollupCounter()));
        if (delta.Sequence <= held.Sequence)
        {
            return DeltaOutcome.Skipped;
        }

        if (delta.Sequence != held.Sequence + 1)
        {
            return DeltaOutcome.Gap;
        }

        held.Counts.Apply(delta.Changes);
        Total.Apply(delta.Changes);
        _shards[delta.ShardKey] = (delta.Sequence, held.Counts);
        SequenceSum++;
        UpdateTime = Max(UpdateTime, delta.UpdateTime);
        return DeltaOutcome.Applied;
    }

    /// <summary>
    /// Replaces a shard's contribution with <paramref name="counts"/> when they are at least as new as the applied
    /// ones (counts read before a newer delta was applied are older and change nothing). Returns whether it changed.
    /// </summary>
    public bool Take(ShardCounts counts)
    {
        ArgumentNullException.ThrowIfNull(counts);
        var held = _shards.GetValueOrDefault(counts.ShardKey, (0, new RollupCounter()));
        if (counts.Sequence < held.Sequence)
        {
            return false;
        }

        var fresh = RollupCounter.FromCounts(counts.Counts);
        var change = RollupCounter.Difference(held.Counts, fresh);
        Total.Apply(change);
        _shards[counts.ShardKey] = (counts.Sequence, fresh);
        SequenceSum += counts.Sequence - held.Sequence;
        UpdateTime = Max(UpdateTime, counts.UpdateTime);
        if (change.Count > 0 && counts.Sequence == held.Sequence)
        {
            Repairs++;
        }

        return change.Count > 0 || counts.Sequence > held.Sequence;
    }

    private static DateTimeOffset Max(DateTimeOffset a, DateTimeOffset b) => a >= b ? a : b;
}

/// <summary>What <see cref="NetworkContributions.Apply"/> did with a delta.</summary>
internal enum DeltaOutcome
{
    /// <summary>It was the shard's next sequence and is now counted.</summary>
    Applied,

    /// <summary>It was at or below the applied sequence: already counted.</summary>
    Skipped,

    /// <summary>It was beyond the next sequence: a delta went missing; nothing changed.</summary>
    Gap,
}
