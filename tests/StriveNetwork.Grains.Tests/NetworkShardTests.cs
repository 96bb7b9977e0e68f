using StriveNetwork.Actors.Persistence;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>The network rollup's sharding: stable shard keys, state that does not grow with the network, exact counts.</summary>
public sealed class NetworkShardTests
{
    [Fact]
    public void ShardKey_IsStableAcrossProcesses()
    {
        // Pinned values: a different hash would move partnerships between shards (a migration, see ADR 0006).
        Assert.Equal("shard-25", GrainStreams.NetworkShardKey("racine")); // FNV-1a("racine") mod 64, computed independently
        Assert.Equal("shard-62", GrainStreams.NetworkShardKey("demo-learn-together-toledo"));
        Assert.Equal(64, GrainStreams.NetworkShardKeys.Distinct().Count());
    }

    [Fact]
    public void ShardKey_SpreadsTenThousandPartnershipsEvenly()
    {
        var perShard = Enumerable.Range(0, 10_000)
            .Select(i => GrainStreams.NetworkShardKey($"partnership-{i}"))
            .CountBy(k => k)
            .ToDictionary();

        Assert.Equal(64, perShard.Count);
        Assert.All(perShard.Values, n => Assert.InRange(n, 100, 220)); // 156 on average
    }

    [Fact]
    public async Task NetworkState_DoesNotGrowWithThePartnerships()
    {
        await using var c = await GrainCluster.StartAsync(StorageKind.Memory);
        await ApplyAsync(c, 0, 100);
        var (rootAt100, shardsAt100) = await StoredSizesAsync(c);
        await ApplyAsync(c, 100, 1_600);
        var (rootAt1600, shardsAt1600) = await StoredSizesAsync(c);

        // Sixteen times the partnerships: the network record keeps its size (same fields counted), the shards grow.
        Assert.InRange(rootAt1600, rootAt100 * 0.9, rootAt100 * 1.1);
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
        await using var c = await GrainCluster.StartAsync(StorageKind.Memory);
        await ApplyAsync(c, 0, 12); // Systems Change: 3 and 9; Proof Point gateway: 4 and 10; designated: 0, 4, 8
        var promoted = Snapshot(3, 2) with { Gateway = GatewayStage.ProofPoint, Designations = [Designation.ProofPoint] };

        Assert.True(await c.Network.ApplySnapshotAsync(promoted));
        Assert.False(await c.Network.ApplySnapshotAsync(promoted with { Gateway = GatewayStage.Emerging }));
        Assert.False(await c.Network.ApplySnapshotAsync(Snapshot(3, 1)));

        var rollup = await c.Network.GetRollupAsync();
        Assert.Equal(12, rollup.PartnershipCount);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        Assert.Equal(3, rollup.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Emerging).Count);
        Assert.Equal(4, rollup.Designations.Single(d => d.Designation == Designation.ProofPoint).Count);
    }

    private static async Task ApplyAsync(GrainCluster c, int from, int to)
    {
        foreach (var chunk in Enumerable.Range(from, to - from).Chunk(32))
        {
            await Task.WhenAll(chunk.Select(i => c.Network.ApplySnapshotAsync(Snapshot(i, 1))));
        }
    }

    private static async Task<(double Root, long[] Shards)> StoredSizesAsync(GrainCluster c)
    {
        var root = await c.Cluster.Storage.ReadAsync(new GrainStateKey("network", GrainStreams.NetworkKey, "network"));
        var shards = new List<long>();
        foreach (var key in GrainStreams.NetworkShardKeys)
        {
            shards.Add((await c.Cluster.Storage.ReadAsync(new GrainStateKey("network-shard", key, "network-shard")))?.Json.Length ?? 0);
        }

        return (root!.Json.Length, [.. shards]);
    }

    /// <summary>Partnership i: gateway by i mod 6, Proof Point every fourth, trends and gaps on two outcomes, history 2019–2024.</summary>
    private static PartnershipSnapshot Snapshot(int i, long sequence)
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
