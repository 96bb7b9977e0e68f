using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>A write the storage refuses leaves nothing behind: not in memory, not in storage, not in the rollups.</summary>
public sealed class FailedWriteTests
{
    [Fact]
    public async Task FailedAssessmentWrite_ChangesNothingAndDeliversNothing()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        var before = await racine.GetProgressAsync();
        var etag = (await racine.GetAsync()).Etag;
        var rollup = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var stored = await c.ReadStoredAsync<PartnershipState>("partnership", racine);
        var shardCalls = c.DeliveryFaults.Calls(nameof(INetworkShardGrain.ApplyChangeAsync));

        c.StorageFaults.RefuseNextWritesOf("partnership");
        await AssertRefusedAsync(() => racine.RecordAssessmentAsync(Sample.ThroughSustaining()));

        var after = await racine.GetProgressAsync();
        Assert.Equal(before.Gateway, after.Gateway);
        Assert.Equal(GatewayStage.Exploring, after.Gateway);
        Assert.Equal(etag, (await racine.GetAsync()).Etag);
        var storedAfter = await c.ReadStoredAsync<PartnershipState>("partnership", racine);
        Assert.Equal(stored!.Revision, storedAfter!.Revision);
        Assert.Equal(stored.LastSnapshot!.Sequence, storedAfter.LastSnapshot!.Sequence);
        Assert.Equal(stored.Outbox.LastSequence, storedAfter.Outbox.LastSequence);
        Assert.Equal(shardCalls, c.DeliveryFaults.Calls(nameof(INetworkShardGrain.ApplyChangeAsync)));
        Assert.Equal(rollup.Version, (await c.Network.GetRollupAsync()).Version);

        // The same batch succeeds afterwards (the activation re-read storage) and only then reaches the network.
        await racine.RecordAssessmentAsync(Sample.ThroughSustaining());
        Assert.Equal(GatewayStage.SystemsChange, (await racine.GetProgressAsync()).Gateway);
        var moved = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(), r => r.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count == 1, "the assessment reaches the network");
        Assert.Equal(0, moved.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.True(moved.Version > rollup.Version);
        Assert.True((await Flows.SettledAsync(c)).Consistent);
        Assert.Equal(1, c.StorageFaults.Refused);
    }

    [Fact]
    public async Task FailedIndicatorWrite_ChangesNothingAndDeliversNothing()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(StriveNetwork.Domain.Indicators.Outcome.EarlyGradeReading));
        await GrainCluster.EventuallyAsync(() => c.Partnership("racine").GetIndicatorIdsAsync(), ids => ids.Count == 1, "the definition reaches the partnership");
        var summaries = c.DeliveryFaults.Calls(nameof(IPartnershipGrain.ApplyIndicatorSummaryAsync));

        c.StorageFaults.RefuseNextWritesOf("indicator");
        await AssertRefusedAsync(() => indicator.SubmitAsync(0, Sample.Improving()));

        Assert.Empty((await indicator.GetAsync(0)).Indicator.Years);
        Assert.Empty((await c.ReadStoredAsync<IndicatorState>("indicator", indicator))!.Observations);
        Assert.Equal(summaries, c.DeliveryFaults.Calls(nameof(IPartnershipGrain.ApplyIndicatorSummaryAsync)));
        await indicator.SubmitAsync(0, Sample.Improving());
        Assert.Equal([2019, 2024], (await indicator.GetAsync(0)).Indicator.Years);
    }

    [Fact]
    public async Task FailedCohortCreate_LeavesNoCohort()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());

        c.StorageFaults.RefuseNextWritesOf("cohort");
        await AssertRefusedAsync(() => c.Cohort("early-reading").CreateAsync("Early reading", "", ["racine"]));

        await Assert.ThrowsAsync<NotFoundException>(() => c.Cohort("early-reading").GetAsync());
        Assert.False(await c.Cohort("early-reading").IsMemberAsync("racine"));
        var created = await c.Cohort("early-reading").CreateAsync("Early reading", "", ["racine"]);
        Assert.Equal(["racine"], created.MemberIds);
        Assert.Equal(1, (await c.Cohort("early-reading").GetRollupAsync()).MemberCount);
    }

    [Fact]
    public async Task NetworkStorageRefusingWrites_HoldsNothingBack_TheNetworkStoresNoCounts()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        // The network counts a delta without a write of its own (ADR 0021): a storage refusing its writes is never asked.
        c.StorageFaults.RefuseNextWritesOf("network", times: 3);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton"));

        var rollup = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "the delta reaches the network");
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(0, c.StorageFaults.Refused);

        // A recomputation with a request id does write (its request log): refused, it fails and changes nothing.
        await AssertRefusedAsync(() => c.Network.RecomputeAsync(apply: true, Keys.Of(Keys.NewId())));
        Assert.Equal(1, c.StorageFaults.Refused);
        Assert.True((await Flows.SettledAsync(c)).Consistent);
        Assert.Equal(2, (await c.Network.GetRollupAsync()).PartnershipCount);
    }

    /// <summary>The call fails with the storage's refusal (Orleans wraps it; the message carries the original).</summary>
    private static async Task AssertRefusedAsync(Func<Task> call)
    {
        var error = await Assert.ThrowsAnyAsync<Exception>(call);
        Assert.False(error is GrainDomainException, error.ToString());
        Assert.Contains("refused write", error.ToString(), StringComparison.Ordinal);
    }
}
