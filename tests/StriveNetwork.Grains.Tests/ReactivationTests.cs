using System.Text.Json;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Every grain, deactivated, reads back from storage exactly the state it had (the storage's serializer round trip).</summary>
public abstract class ReactivationTests(GrainClusterOptions options)
{
    [Fact]
    public async Task EveryGrain_ReadsBackItsStateAfterDeactivation()
    {
        await using var c = await GrainCluster.StartAsync(options);
        await Flows.SetUpAsync(c, "racine", "6G-SC-SCV-1");
        await c.Partnership("racine").RecordAssessmentAsync(new AssessmentBatch([], [new SystemsChangeEntry("policy-1", "district policy", Sample.Today)], null));
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH", "toa-5g-2016"));
        await c.Cohort("early-reading").CreateAsync("Early reading", "Reading first", ["racine", "dayton"]);
        var admin = await c.Tokens.IssueBootstrapAsync(new string('a', 64));
        await c.Tokens.IssueAsync(new TokenIssue(new string('c', 64), TokenRole.Partnership, "racine", "Racine data system", null, admin!.TokenId));
        await GrainCluster.EventuallyAsync(() => c.Cohort("early-reading").GetRollupAsync(),
            r => r.Members.Single(m => m.PartnershipId == "racine").OutcomeTrends.Count == Flows.FourOutcomes.Length, "racine's trends reach the cohort");
        await Flows.SettledAsync(c);
        var indicator = c.Indicator("racine", $"core-{(int)Outcome.EarlyGradeReading}");
        var shard = c.Shard(GrainKeys.NetworkShardKey("racine"));
        var before = await ViewsAsync(c, indicator, shard);

        IAddressable[] grains = [c.Partnership("racine"), c.Partnership("dayton"), indicator, c.Cohort("early-reading"), c.Tokens, shard, c.Network];
        foreach (var grain in grains)
        {
            await c.Cluster.DeactivateAsync(grain);
            Assert.Empty(await c.HostsOfAsync(grain));
        }

        var after = await ViewsAsync(c, indicator, shard);
        Assert.Equal(before, after);
        foreach (var grain in grains)
        {
            Assert.Single(await c.HostsOfAsync(grain));
        }

        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    /// <summary>What clients read of each grain, as JSON (records compare their lists by reference).</summary>
    private static async Task<string[]> ViewsAsync(GrainCluster c, IIndicatorGrain indicator, INetworkShardGrain shard) =>
    [
        Json(await c.Partnership("racine").GetAsync()),
        Json(await c.Partnership("racine").GetProgressAsync()),
        Json(await c.Partnership("racine").GetSnapshotAsync()),
        Json(await c.Partnership("racine").GetIndicatorIdsAsync()),
        Json(await c.Partnership("dayton").GetSnapshotAsync()),
        Json(await indicator.GetAsync(0)),
        Json(await indicator.GetSummaryAsync()),
        Json(await c.Cohort("early-reading").GetRollupAsync()),
        Json(await c.Tokens.ListAsync(new TokenFilter(null, null, true), 0, string.Empty)),
        Json(await shard.GetCountsAsync()),
        Json(await c.Network.GetRollupAsync()),
    ];

    private static string Json<T>(T value) => JsonSerializer.Serialize(value);
}

public sealed class MemoryReactivationTests() : ReactivationTests(new GrainClusterOptions { Storage = StorageKind.Memory });

public sealed class SqliteReactivationTests() : ReactivationTests(new GrainClusterOptions { Storage = StorageKind.Sqlite, Silos = 3 });
