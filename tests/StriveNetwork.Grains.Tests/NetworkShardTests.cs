using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>The network rollup's sharding: stable shard keys, state that does not grow with the network, exact counts.</summary>
public sealed class NetworkShardTests
{
    private static readonly DateTimeOffset OldRowTime = new(2020, 1, 2, 3, 4, 5, TimeSpan.Zero);

    [Fact]
    public void ShardKey_IsStableAcrossProcesses()
    {
        // Pinned values: a different hash would move partnerships between shards (a migration, see ADR 0006).
        Assert.Equal("shard-25", GrainKeys.NetworkShardKey("racine")); // FNV-1a("racine") mod 64, computed independently
        Assert.Equal("shard-62", GrainKeys.NetworkShardKey("demo-learn-together-toledo"));
        Assert.Equal(64, GrainKeys.NetworkShardKeys.Distinct().Count());
    }

    [Fact]
    public void ShardKey_SpreadsTenThousandPartnershipsEvenly()
    {
        var perShard = Enumerable.Range(0, 10_000)
            .Select(i => GrainKeys.NetworkShardKey($"partnership-{i}"))
            .CountBy(k => k)
            .ToDictionary();

        Assert.Equal(64, perShard.Count);
        Assert.All(perShard.Values, n => Assert.InRange(n, 100, 220)); // 156 on average
    }

    [Fact]
    public async Task NetworkState_DoesNotGrowWithThePartnerships()
    {
        await using var c = await GrainCluster.StartAsync();
        await ApplyAsync(c, 0, 100);
        var shardsAt100 = await StoredShardSizesAsync(c);
        await ApplyAsync(c, 100, 1_600);
        var shardsAt1600 = await StoredShardSizesAsync(c);

        // Sixteen times the partnerships: the network stores nothing at all (ADR 0021), the shards grow.
        Assert.Null(await c.ReadStoredAsync<NetworkState>("network", c.Network));
        Assert.True(shardsAt1600.Max() < shardsAt100.Sum(), $"largest shard {shardsAt1600.Max()} B vs all shards at 100: {shardsAt100.Sum()} B");
        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(1_600, rollup.PartnershipCount);
        Assert.Equal(1_600 / 4, rollup.Designations.Single(d => d.Designation == Designation.ProofPoint).Count);
        Assert.Equal(1_600 / 6 + 1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(1_600, rollup.History.Single(y => y.Year == 2024).PartnershipCount);
        var listed = await c.Network.ListPartnershipsAsync(new PartnershipFilter(GatewayStage.Exploring, null, null), 500, string.Empty);
        Assert.Equal(1_600 / 6 + 1, listed.TotalSize);
        Assert.Equal(listed.Partnerships.Select(p => p.PartnershipId).Order(StringComparer.Ordinal), listed.Partnerships.Select(p => p.PartnershipId));
    }

    [Fact]
    public async Task ReplacedSnapshot_MovesItsCountsOnce()
    {
        await using var c = await GrainCluster.StartAsync();
        await ApplyAsync(c, 0, 12); // Systems Change: 3 and 9; Proof Point gateway: 4 and 10; designated: 0, 4, 8
        var promoted = Snapshot(3, 2) with { Gateway = GatewayStage.ProofPoint, Designations = [Designation.ProofPoint] };

        Assert.True(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(Snapshot(3, 1), promoted)));
        Assert.False(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(Snapshot(3, 1), promoted with { Gateway = GatewayStage.Emerging })));
        Assert.False(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(null, Snapshot(3, 1))));

        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(12, rollup.PartnershipCount);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        Assert.Equal(3, rollup.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Emerging).Count);
        Assert.Equal(4, rollup.Designations.Single(d => d.Designation == Designation.ProofPoint).Count);
    }

    [Fact]
    public async Task DeltaAfterASequenceGap_MakesTheNetworkTakeEveryShardsCounts()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));
        await Flows.SettledAsync(c);
        var before = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "both registrations reach the network");
        var shard = await c.Shard(GrainKeys.NetworkShardKey("racine")).GetCountsAsync();

        // A delta that skips sequences (one went missing): its own changes are not trusted, its shard's stored counts
        // are. Here they are what the network already holds, so nothing changes, not even the version.
        await c.Network.ApplyDeltaAsync(new ShardDelta(shard.ShardKey, shard.Sequence + 5, new Dictionary<string, long> { ["partnership_count"] = 40 }));

        var after = await c.Network.GetRollupAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(2, after.PartnershipCount);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);

        // A delta of a shard the network does not have is refused: no shard could ever take its counts back.
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Network.ApplyDeltaAsync(new ShardDelta("shard-64", 1, new Dictionary<string, long> { ["partnership_count"] = 1 })));
        Assert.Equal(2, (await c.Network.GetRollupAsync()).PartnershipCount);

        // The shard's real next delta still applies after the resynchronisation.
        await c.Partnership("racine").RecordAssessmentAsync(Sample.ThroughSustaining());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(),
            r => r.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count == 1, "the next delta reaches the network");
        Assert.True((await Flows.SettledAsync(c)).Consistent);
        Assert.Equal(2, (await c.Network.GetRollupAsync()).PartnershipCount);
    }

    [Fact]
    public async Task NetworkRollup_IsTakenBackFromTheShards_AfterTheNetworkDeactivates()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions { Storage = StorageKind.Sqlite });
        await ApplyAsync(c, 0, 40);
        var before = await c.Network.GetRollupAsync();

        // The network stores no counts (ADR 0021); a new activation takes every shard's, and lands on the same version.
        await c.Cluster.DeactivateAsync(c.Network);
        Assert.Null(await c.ReadStoredAsync<NetworkState>("network", c.Network));
        var after = await c.Network.GetRollupAsync();
        Assert.Equal((before.Version, before.UpdateTime, 40), (after.Version, after.UpdateTime, after.PartnershipCount));
        Assert.Equal(before.Gateways, after.Gateways);
        Assert.Equal(before.Designations, after.Designations);
        Assert.Equal(before.History.Select(y => (y.Year, y.PartnershipCount)), after.History.Select(y => (y.Year, y.PartnershipCount)));

        // Deltas the shards stored but could not deliver are in their counts when the network comes back, and their
        // deliveries, once let through, are not counted again.
        c.DeliveryFaults.Block(nameof(INetworkGrain.ApplyDeltaAsync));
        await Task.WhenAll(Enumerable.Range(0, 12).Select(i =>
            c.Shard(GrainKeys.NetworkShardKey(Snapshot(i, 1).PartnershipId)).ApplyAsync(new SnapshotUpdate(Snapshot(i, 1), Snapshot(i, 2) with { Gateway = GatewayStage.ProofPoint }))));
        Assert.Equal(after.Version, (await c.Network.GetRollupAsync()).Version);
        await c.Cluster.DeactivateAsync(c.Network);
        var moved = await c.Network.GetRollupAsync();
        var proofPoint = before.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count + 10; // 2 of the 12 were already
        Assert.Equal((40, proofPoint), (moved.PartnershipCount, moved.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count));
        Assert.True(moved.Version > after.Version);
        var held = new List<ShardDelta>();
        foreach (var key in GrainKeys.NetworkShardKeys)
        {
            held.AddRange((await c.ReadStoredAsync<NetworkShardState>("network-shard", c.Shard(key)))?.Outbox.Entries.Select(e => e.Payload) ?? []);
        }

        Assert.NotEmpty(held);
        c.DeliveryFaults.Unblock(nameof(INetworkGrain.ApplyDeltaAsync));
        foreach (var delta in held)
        {
            await c.Network.ApplyDeltaAsync(delta); // what the outboxes deliver once let through (they do too)
        }

        var settled = await c.Network.GetRollupAsync();
        Assert.Equal((moved.Version, proofPoint), (settled.Version, settled.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count));
    }

    [Fact]
    public async Task StoredSnapshotShard_IsMigratedOnActivation_WithoutLosingCounts()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions { Storage = StorageKind.Sqlite });
        var shardKey = GrainKeys.NetworkShardKey(Snapshot(0, 1).PartnershipId);
        var held = Enumerable.Range(0, 2_000).Where(i => GrainKeys.NetworkShardKey(Snapshot(i, 1).PartnershipId) == shardKey).Take(3)
            .Select((i, n) => Snapshot(i, n + 1)).ToList();
        var shard = c.Shard(shardKey);

        // The rows as the code before ADR 0016 wrote them: the shard with every snapshot, the network with its counts
        // (which it kept until ADR 0021).
        await c.WriteStoredAsync<LegacyShardState>("network-shard", shard, _ =>
            new LegacyShardState(held.ToDictionary(s => s.PartnershipId, StringComparer.Ordinal), 3, Outbox<ShardDelta>.Empty));
        await c.WriteStoredAsync<LegacyNetworkState>("network", c.Network, _ => new LegacyNetworkState(
            RollupCounter.From(held).Copy(), new Dictionary<string, long>(StringComparer.Ordinal) { [shardKey] = 3 }, 7, OldRowTime));

        var counts = await shard.GetCountsAsync();
        Assert.Equal(3, counts.Sequence);
        Assert.Equal(3, counts.PartnershipCount);
        Assert.Empty(RollupCounter.Compare(RollupCounter.FromCounts(counts.Counts), RollupCounter.From(held)));
        var stored = await c.ReadStoredAsync<NetworkShardState>("network-shard", shard);
        Assert.Null(stored!.Snapshots);
        Assert.Equal(held.Select(s => s.PartnershipId).Order(StringComparer.Ordinal), stored.Members.Keys.Order(StringComparer.Ordinal));
        var listed = await c.Network.ListPartnershipsAsync(new PartnershipFilter(null, null, null), 10, string.Empty);
        Assert.Equal(held.Select(s => (s.PartnershipId, s.DisplayName, s.Gateway)).OrderBy(x => x.PartnershipId, StringComparer.Ordinal),
            listed.Partnerships.Select(p => (p.PartnershipId, p.DisplayName, p.Gateway)));

        // The next update of a migrated partnership counts from what the old row held.
        var moved = held[1] with { Sequence = held[1].Sequence + 1, Gateway = GatewayStage.SystemsChange, Designations = [Designation.ProofPoint] };
        // The network ignores its old row's counts and takes the shards'; its rollup versions count on from the
        // version that row held (7), one per shard sequence, and its time never goes below the row's.
        var migrated = await c.Network.GetRollupAsync();
        Assert.Equal((7 + 3, OldRowTime, 3), (migrated.Version, migrated.UpdateTime, migrated.PartnershipCount));
        Assert.True(await c.Network.ApplySnapshotAsync(new SnapshotUpdate(held[1], moved)));
        var expected = RollupCounter.From([held[0], moved, held[2]]).Materialize(7 + 4, default, 2024);
        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(7 + 4, rollup.Version);
        Assert.Equal(expected.PartnershipCount, rollup.PartnershipCount);
        Assert.Equal(expected.Gateways, rollup.Gateways);
        Assert.Equal(expected.Designations, rollup.Designations);
        Assert.True(rollup.UpdateTime > OldRowTime, "the shard's write is later than the old row's time");
    }

    /// <summary>The shard state as stored before ADR 0016 (what its JSON row holds).</summary>
    private sealed record LegacyShardState(IReadOnlyDictionary<string, PartnershipSnapshot> Snapshots, long Sequence, Outbox<ShardDelta> Outbox);

    /// <summary>The network state as stored before ADR 0021, with its own counts.</summary>
    private sealed record LegacyNetworkState(IReadOnlyDictionary<string, long> Counts, IReadOnlyDictionary<string, long> ShardSequences, long Version, DateTimeOffset UpdateTime);

    private static async Task ApplyAsync(GrainCluster c, int from, int to)
    {
        foreach (var chunk in Enumerable.Range(from, to - from).Chunk(32))
        {
            await Task.WhenAll(chunk.Select(i => c.Network.ApplySnapshotAsync(new SnapshotUpdate(null, Snapshot(i, 1)))));
        }
    }

    /// <summary>Serialized sizes (Orleans serializer) of each stored shard state.</summary>
    private static async Task<long[]> StoredShardSizesAsync(GrainCluster c)
    {
        var serializer = c.Cluster.GetSiloServiceProvider().GetRequiredService<Serializer>();
        var shards = new List<long>();
        foreach (var key in GrainKeys.NetworkShardKeys)
        {
            var shard = await c.ReadStoredAsync<NetworkShardState>("network-shard", c.Shard(key));
            shards.Add(shard is null ? 0 : serializer.SerializeToArray(shard).Length);
        }

        return [.. shards];
    }

    /// <summary>Partnership i: gateway by i mod 6, Proof Point every fourth, trends and gaps on two outcomes, history 2019–2024.</summary>
    internal static PartnershipSnapshot Snapshot(int i, long sequence)
    {
        var gateway = (GatewayStage)((i % 6) + 1);
        Designation[] designations = i % 4 == 0 ? [Designation.ProofPoint] : [];
        OutcomeTrend[] trends = [new(Outcome.EarlyGradeReading, TrendDirection.Improved), new(Outcome.HighSchoolGraduation, (TrendDirection)((i % 3) + 1))];
        OutcomeGapCounts[] gaps = [new(Outcome.EarlyGradeReading, GapChangeCounts.Zero.Add(GapChange.Reduced))];
        return new PartnershipSnapshot(
            $"p-{i:00000}", sequence, $"Partnership {i}", i % 2 == 0 ? "OH" : "CA", i % 5 == 0 ? "toa-5g-2016" : "toa-6g", gateway, designations,
            trends, gaps, [],
            [.. Enumerable.Range(2019, 6).Select(y => new YearStatus(y, gateway, designations, trends, GapChangeCounts.Zero.Add(GapChange.Reduced)))],
            []);
    }
}
