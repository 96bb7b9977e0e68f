using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>What a network shard does with a <see cref="SnapshotUpdate"/>, given the sequence it holds for the partnership.</summary>
internal enum ShardUpdateKind
{
    /// <summary>The shard holds this sequence or a newer one: a redelivery or an older update; nothing changes.</summary>
    Duplicate,

    /// <summary>The update's base is what the shard counted: it applies <c>contribution(Latest) − contribution(Base)</c>.</summary>
    Counted,

    /// <summary>The base is not what the shard counted (or unknown): only a recomputation from the partnerships is exact.</summary>
    BrokenChain,
}

/// <summary>The shard's rule for snapshot updates (docs/adr/0016), apart from the grain so that it can be tested alone.</summary>
internal static class ShardUpdates
{
    /// <summary>
    /// Two consecutive pending updates of one partnership as one: the older one's base, the newer one's snapshot. The
    /// shard then counts the newest snapshot from the one it held, as it would have by applying both.
    /// </summary>
    public static SnapshotUpdate Merge(SnapshotUpdate older, SnapshotUpdate newer)
    {
        ArgumentNullException.ThrowIfNull(older);
        ArgumentNullException.ThrowIfNull(newer);
        return newer with { Base = older.Base, BaseUnknown = older.BaseUnknown || older.Latest is null };
    }

    /// <summary>Classifies <paramref name="update"/> against the entry held for its partnership (null: none counted yet).</summary>
    public static ShardUpdateKind Classify(ShardMember? held, SnapshotUpdate update)
    {
        ArgumentNullException.ThrowIfNull(update);
        var heldSequence = held?.Sequence ?? 0;
        if (update.Latest.Sequence <= heldSequence)
        {
            return ShardUpdateKind.Duplicate;
        }

        return !update.BaseUnknown && (update.Base?.Sequence ?? 0) == heldSequence ? ShardUpdateKind.Counted : ShardUpdateKind.BrokenChain;
    }
}
