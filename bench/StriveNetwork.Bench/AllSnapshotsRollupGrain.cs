using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Bench;

/// <summary>The naive network rollup the sharded one replaced: one grain holding every snapshot (bench only).</summary>
[Alias("bench.IAllSnapshotsRollupGrain")]
public interface IAllSnapshotsRollupGrain : IGrainWithStringKey
{
    /// <summary>Takes a snapshot unless it holds the same or a newer sequence; rewrites the whole state.</summary>
    [Alias("ApplySnapshotAsync")]
    Task<bool> ApplySnapshotAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default);

    /// <summary>Stores many snapshots in one write, so a benchmark's setup does not pay N full rewrites.</summary>
    [Alias("SeedAsync")]
    Task SeedAsync(IReadOnlyList<PartnershipSnapshot> snapshots, CancellationToken cancellationToken = default);

    /// <summary>Number of partnerships held.</summary>
    [Alias("GetPartnershipCountAsync")]
    Task<int> GetPartnershipCountAsync(CancellationToken cancellationToken = default);
}

/// <summary>
/// Durable state of <see cref="AllSnapshotsRollupGrain"/>: every snapshot, plus partnerships per gateway. Stored as
/// JSON by the SQLite provider like the real grains' states; the grain writes a changed copy and swaps it in, so a
/// failed write leaves the held state as it was.
/// </summary>
[GenerateSerializer, Alias("bench.AllSnapshotsRollupState")]
public sealed class AllSnapshotsRollupState
{
    [Id(0)]
    public Dictionary<string, PartnershipSnapshot> Snapshots { get; set; } = new(StringComparer.Ordinal);

    [Id(1)]
    public Dictionary<string, long> GatewayCounts { get; set; } = new(StringComparer.Ordinal);

    [Id(2)]
    public long Version { get; set; }
}

/// <summary>
/// The single-grain design: its state grows with the network and every event writes all of it, which is the cost
/// the sharded rollup avoids. The counts are reduced to one per gateway; the write size is the point.
/// </summary>
[GrainType("all-snapshots-rollup")]
public sealed class AllSnapshotsRollupGrain(
    [PersistentState("all-snapshots")] IPersistentState<AllSnapshotsRollupState> state) : Grain, IAllSnapshotsRollupGrain
{
    public async Task<bool> ApplySnapshotAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        var held = state.State.Snapshots.GetValueOrDefault(snapshot.PartnershipId);
        if (held is not null && held.Sequence >= snapshot.Sequence)
        {
            return false;
        }

        var next = Copy(state.State);
        Replace(next, held, snapshot);
        await CommitAsync(next, cancellationToken);
        return true;
    }

    public async Task SeedAsync(IReadOnlyList<PartnershipSnapshot> snapshots, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshots);
        var next = Copy(state.State);
        foreach (var snapshot in snapshots)
        {
            Replace(next, next.Snapshots.GetValueOrDefault(snapshot.PartnershipId), snapshot);
        }

        await CommitAsync(next, cancellationToken);
    }

    public Task<int> GetPartnershipCountAsync(CancellationToken cancellationToken = default) => Task.FromResult(state.State.Snapshots.Count);

    private static AllSnapshotsRollupState Copy(AllSnapshotsRollupState s) => new()
    {
        Snapshots = new Dictionary<string, PartnershipSnapshot>(s.Snapshots, StringComparer.Ordinal),
        GatewayCounts = new Dictionary<string, long>(s.GatewayCounts, StringComparer.Ordinal),
        Version = s.Version,
    };

    private static void Replace(AllSnapshotsRollupState s, PartnershipSnapshot? held, PartnershipSnapshot snapshot)
    {
        if (held is not null)
        {
            s.GatewayCounts[held.Gateway.ToString()] -= 1;
        }

        s.GatewayCounts[snapshot.Gateway.ToString()] = s.GatewayCounts.GetValueOrDefault(snapshot.Gateway.ToString()) + 1;
        s.Snapshots[snapshot.PartnershipId] = snapshot;
    }

    private async Task CommitAsync(AllSnapshotsRollupState next, CancellationToken cancellationToken)
    {
        next.Version++;
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            state.State = previous;
            throw;
        }
    }
}
