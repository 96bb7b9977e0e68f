namespace StriveNetwork.Providers;

/// <summary>
/// A conditional change of one state row: apply it only when the stored version is <see cref="ExpectedVersion"/>
/// (0: no row may exist; -1: the carried ETag was malformed and matches nothing), and then bump the version by one.
/// </summary>
/// <param name="Key">The state.</param>
/// <param name="Json">The new payload, JSON as UTF-8 (checked, see <see cref="StorageArguments"/>); <c>{}</c> when clearing. A store
/// binds these bytes as they are where it can: decoding them into a string only to encode them again was a quarter of
/// what a write allocated (docs/adr/0015).</param>
/// <param name="RecordExists">True for a write, false for a clear (which leaves a tombstone).</param>
/// <param name="ExpectedVersion">The version the writer read.</param>
public readonly record struct RowChange(GrainStateKey Key, ReadOnlyMemory<byte> Json, bool RecordExists, long ExpectedVersion);

/// <summary>The outcome of a <see cref="RowChange"/>: applied with a new version, or refused with the stored version.</summary>
/// <param name="Applied">True when the row was changed.</param>
/// <param name="Version">The new version when applied; otherwise the stored version, 0 when there is no row.</param>
public readonly record struct RowChangeResult(bool Applied, long Version)
{
    /// <summary>The change was applied; the row now has <paramref name="newVersion"/>.</summary>
    public static RowChangeResult Done(long newVersion) => new(true, newVersion);

    /// <summary>The change was refused; the row has <paramref name="storedVersion"/> (null: no row).</summary>
    public static RowChangeResult Conflict(long? storedVersion) => new(false, storedVersion ?? 0);
}
