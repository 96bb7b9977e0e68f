using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// What a partnership's outbox owes one receiver: a cohort the latest snapshot (<see cref="Latest"/>), the network
/// shard a count change (<see cref="Change"/>, docs/adr/0022). A shard entry stored before ADR 0022 reads with the
/// snapshots of a <see cref="SnapshotUpdate"/> (<see cref="Base"/>, <see cref="Latest"/>, ADR 0016) and no change;
/// one stored before ADR 0016, with neither.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipEvent")]
public sealed record PartnershipEvent
{
    /// <summary>The snapshot a shard update was based on (stored before ADR 0022 only).</summary>
    [Id(0)]
    public PartnershipSnapshot? Base { get; init; }

    /// <summary>A cohort's snapshot; a shard update's new snapshot when stored before ADR 0022.</summary>
    [Id(1)]
    public PartnershipSnapshot? Latest { get; init; }

    /// <summary>See <see cref="SnapshotUpdate.BaseUnknown"/> (stored before ADR 0022 only).</summary>
    [Id(2)]
    public bool BaseUnknown { get; init; }

    /// <summary>The shard's count change (ADR 0022).</summary>
    [Id(3)]
    public MemberCountChange? Change { get; init; }

    /// <summary>The event for a cohort.</summary>
    public static PartnershipEvent ForCohort(PartnershipSnapshot latest) => new() { Latest = latest ?? throw new ArgumentNullException(nameof(latest)) };

    /// <summary>The event for the network shard.</summary>
    public static PartnershipEvent ForShard(MemberCountChange change) => new() { Change = change ?? throw new ArgumentNullException(nameof(change)) };

    /// <summary>
    /// The shard's count change this event stands for; null for an entry stored before ADR 0016, whose snapshot was
    /// not kept (the partnership then announces its last snapshot with an unknown base).
    /// </summary>
    public MemberCountChange? ShardChange() =>
        Change ?? (Latest is { } latest ? ShardUpdates.ToChange(new SnapshotUpdate(Base, latest, BaseUnknown)) : null);

    /// <summary>
    /// Two consecutive pending shard events as one (<see cref="ShardUpdates.Merge"/>); an older event without its
    /// snapshot (before ADR 0016) makes the base unknown, as it was.
    /// </summary>
    public static PartnershipEvent MergeShard(PartnershipEvent older, PartnershipEvent newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var next = newer.ShardChange() ?? throw new ArgumentException("A shard event carries a change.", nameof(newer));
        return ForShard(older.ShardChange() is { } before ? ShardUpdates.Merge(before, next) : next with { BaseUnknown = true });
    }
}
