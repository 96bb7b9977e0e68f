using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>What a network shard does with a <see cref="MemberCountChange"/>, given the sequence it holds for the partnership.</summary>
internal enum ShardUpdateKind
{
    /// <summary>The shard holds this sequence or a newer one: a redelivery or an older update; nothing changes.</summary>
    Duplicate,

    /// <summary>The change's base is what the shard counted: it adds the change's counts.</summary>
    Counted,

    /// <summary>The base is not what the shard counted (or unknown): only a recomputation from the partnerships is exact.</summary>
    BrokenChain,
}

/// <summary>The shard's rule for partnership updates (docs/adr/0016, 0022), apart from the grain so that it can be tested alone.</summary>
internal static class ShardUpdates
{
    /// <summary>The count change a snapshot update stands for: <c>contribution(Latest) − contribution(Base)</c>.</summary>
    public static MemberCountChange ToChange(SnapshotUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var latest = update.Latest;
        return new MemberCountChange(
            update.Base?.Sequence ?? 0,
            update.BaseUnknown,
            latest.Sequence,
            ShardMember.Of(latest).ToListItem(latest.PartnershipId),
            update.BaseUnknown ? new Dictionary<string, long>(StringComparer.Ordinal) : RollupCounter.Change(update.Base, latest));
    }

    /// <summary>
    /// Two consecutive pending changes of one partnership as one: the older one's base, the newer one's sequence and
    /// listing, and the sum of their counts. The shard then counts the newest snapshot from the one it held, as it would
    /// have by applying both.
    /// </summary>
    public static MemberCountChange Merge(MemberCountChange older, MemberCountChange newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        var counts = RollupCounter.FromCounts(older.Counts);
        counts.Apply(newer.Counts);
        return newer with { BaseSequence = older.BaseSequence, BaseUnknown = older.BaseUnknown || newer.BaseUnknown, Counts = counts.Detach() };
    }

    /// <summary>Classifies <paramref name="change"/> against the entry held for its partnership (null: none counted yet).</summary>
    public static ShardUpdateKind Classify(ShardMember? held, MemberCountChange change)
    {
        ArgumentNullException.ThrowIfNull(change);
        var heldSequence = held?.Sequence ?? 0;
        if (change.Sequence <= heldSequence)
        {
            return ShardUpdateKind.Duplicate;
        }

        return !change.BaseUnknown && change.BaseSequence == heldSequence ? ShardUpdateKind.Counted : ShardUpdateKind.BrokenChain;
    }
}
