using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The outbox on one silo: events owed are retried until acknowledged, applied once in effect, and pruned from the
/// producer's stored state once acknowledged (at its next write, its next reminder tick or its deactivation).
/// </summary>
public sealed class OutboxTests
{
    private const string ApplyDelta = nameof(INetworkGrain.ApplyDeltaAsync);
    private const string ApplySnapshot = nameof(INetworkShardGrain.ApplyChangeAsync);

    [Fact]
    public async Task FailingReceivers_GetTheEventOnceInEffect()
    {
        await using var c = await GrainCluster.StartAsync();
        using var metrics = new MetricRecorder([.. c.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IMeterFactory>())]);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var before = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        c.DeliveryFaults.FailNext(ApplySnapshot, 2);
        c.DeliveryFaults.FailNext(ApplyDelta, 3);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));

        var rollup = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "dayton reaches the network");
        Assert.Equal(2, c.DeliveryFaults.Rejected(ApplySnapshot));
        Assert.Equal(3, c.DeliveryFaults.Rejected(ApplyDelta));
        Assert.Equal(before.Version + 1, rollup.Version);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);

        // Each rejected delivery is one retry, counted by the receiver kind (the outbox's operator signal).
        Assert.Equal(2, metrics.Sum("strive.outbox.delivery.retries", ("strive.outbox.target", "network_shard")));
        Assert.Equal(3, metrics.Sum("strive.outbox.delivery.retries", ("strive.outbox.target", "network")));
        Assert.Equal(5, metrics.Sum("strive.outbox.delivery.retries"));
        var report = await Flows.SettledAsync(c);
        Assert.Equal(2, report.PartnershipCount);
        Assert.Equal(rollup.Gateways, report.Recomputed.Gateways);
    }

    [Fact]
    public async Task LostAnswers_RedeliveriesChangeNothing()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var before = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var deltas = c.DeliveryFaults.Calls(ApplyDelta);

        // The network applies the delta, but the shard never hears so and delivers it again, twice.
        c.DeliveryFaults.LoseNextAnswers(ApplyDelta, 2);
        c.DeliveryFaults.LoseNextAnswers(ApplySnapshot, 1);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));

        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Calls(ApplyDelta)), n => n >= deltas + 3, "the delta is delivered a third time");
        var rollup = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "dayton reaches the network");
        Assert.Equal(2, c.DeliveryFaults.Rejected(ApplyDelta));
        Assert.Equal(1, c.DeliveryFaults.Rejected(ApplySnapshot));
        Assert.Equal(before.Version + 1, rollup.Version);
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(2, (await Flows.SettledAsync(c)).PartnershipCount);
        Assert.Equal(rollup.Version, (await c.Network.GetRollupAsync()).Version);
    }

    [Fact]
    public async Task RedeliveredEvents_ChangeNothing()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        await c.Cohort("early-reading").CreateAsync("Early reading", string.Empty, ["racine"]);
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(StriveNetwork.Domain.Indicators.Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, Sample.Improving());
        var summary = await indicator.GetSummaryAsync();

        // DefineAsync publishes a summary of its own (no data yet, one outcome trend already), so "a trend is shown" can
        // hold before the submitted summary arrives, which then publishes the next snapshot. Wait for the submitted one
        // itself, then for everything downstream, and only then capture what the redeliveries must leave unchanged.
        await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<PartnershipState>("partnership", racine),
            s => s!.Indicators.TryGetValue(summary.IndicatorId, out var held) && held.Sequence == summary.Sequence,
            "the submitted summary reaches racine");
        await GrainCluster.EventuallyAsync(
            () => c.Cohort("early-reading").GetRollupAsync(),
            r => r.Members.Single().OutcomeTrends.SingleOrDefault()?.Direction == StriveNetwork.Domain.Indicators.TrendDirection.Improved,
            "the snapshot reaches the cohort");
        await Flows.SettledAsync(c);
        var stored = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!;
        var snapshot = await racine.GetSnapshotAsync();
        Assert.Equal(stored.LastSnapshot!.Sequence, snapshot.Sequence);
        var shard = c.Shard(GrainKeys.NetworkShardKey("racine"));
        var delta = (await c.ReadStoredAsync<NetworkShardState>("network-shard", shard))!.Outbox.Entries.Last().Payload;
        var rollup = await c.Network.GetRollupAsync();
        var cohort = await c.Cohort("early-reading").GetRollupAsync();

        await racine.ApplyIndicatorSummaryAsync(summary);
        await racine.ApplyIndicatorSummaryAsync(summary with { Sequence = summary.Sequence - 1, Trend = StriveNetwork.Domain.Indicators.TrendDirection.Worsened });
        Assert.False((await shard.ApplyAsync(new SnapshotUpdate(null, snapshot))).Applied);
        await c.Cohort("early-reading").ApplyMemberSnapshotAsync(snapshot with { Gateway = GatewayStage.Sustaining });
        await c.Network.ApplyDeltaAsync(delta);
        await c.Network.ApplyDeltaAsync(delta with { Changes = new Dictionary<string, long> { ["partnership_count"] = 5 } });

        Assert.Equal(snapshot.Sequence, (await racine.GetSnapshotAsync()).Sequence);
        var storedAfter = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!;
        Assert.Equal(stored.LastSnapshot.Sequence, storedAfter.LastSnapshot!.Sequence); // no new snapshot published
        Assert.Equal(stored.Outbox.LastSequence, storedAfter.Outbox.LastSequence); // and nothing new owed
        Assert.Equal(summary.Sequence, storedAfter.Indicators[summary.IndicatorId].Sequence);
        Assert.Equal(StriveNetwork.Domain.Indicators.TrendDirection.Improved, (await racine.GetSnapshotAsync()).OutcomeTrends.Single().Direction);
        Assert.Equal(rollup.Version, (await c.Network.GetRollupAsync()).Version);
        Assert.Equal(1, (await c.Network.GetRollupAsync()).PartnershipCount);
        var cohortAfter = await c.Cohort("early-reading").GetRollupAsync();
        Assert.Equal(cohort.UpdateTime, cohortAfter.UpdateTime);
        Assert.Equal(GatewayStage.Exploring, cohortAfter.Members.Single().Gateway);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task AcknowledgedEntries_ArePrunedAtTheNextWriteAndAtDeactivation()
    {
        await using var c = await GrainCluster.StartAsync();
        var (first, second) = TwoIdsOfOneShard();
        var shard = c.Shard(GrainKeys.NetworkShardKey(first));

        await c.Partnership(first).RegisterAsync(Sample.Profile(first));
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "the first registration reaches the network");
        var stored = await c.ReadStoredAsync<NetworkShardState>("network-shard", shard);
        Assert.Equal([1L], stored!.Outbox.Entries.Select(e => e.Sequence)); // acknowledged, not yet pruned: nothing was written since
        Assert.Contains(OutboxDelivery<ShardDelta>.ReminderName, await c.ReminderNamesAsync(shard));

        await c.Partnership(second).RegisterAsync(Sample.Profile(second));
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "the second registration reaches the network");
        stored = await c.ReadStoredAsync<NetworkShardState>("network-shard", shard);
        Assert.Equal([2L], stored!.Outbox.Entries.Select(e => e.Sequence)); // the write of delta 2 dropped acknowledged delta 1
        Assert.Equal(2, stored.Outbox.LastSequence);
        Assert.Equal(2, stored.Members.Count);

        await c.Cluster.DeactivateAsync(shard);
        await c.Cluster.DeactivateAsync(c.Partnership(first));
        stored = await c.ReadStoredAsync<NetworkShardState>("network-shard", shard);
        Assert.Empty(stored!.Outbox.Entries);
        Assert.Equal(2, stored.Outbox.LastSequence);
        Assert.Equal(2, stored.Sequence);
        Assert.Empty(await c.ReminderNamesAsync(shard));
        Assert.Empty((await c.ReadStoredAsync<PartnershipState>("partnership", c.Partnership(first)))!.Outbox.Entries);
        Assert.Equal([PartnershipGrain.ReevaluationReminder], await c.ReminderNamesAsync(c.Partnership(first))); // only the yearly schedule

        // Sequences go on from the stored ones after the reactivation: the network takes the next delta.
        await c.Partnership(first).UpdateProfileAsync(Sample.Profile("Renamed"), ["display_name"], (await c.Partnership(first).GetAsync()).Etag);
        await GrainCluster.EventuallyAsync(() => c.Network.ListPartnershipsAsync(new PartnershipFilter(null, null, null), 10, string.Empty),
            p => p.Partnerships.Any(x => x.DisplayName == "Renamed"), "the rename reaches the shard");
        Assert.Equal(2, (await Flows.SettledAsync(c)).PartnershipCount);
    }

    [Fact]
    public async Task EntriesLeftUndelivered_AreDeliveredAndPrunedByTheReminder()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions { ReminderPeriod = TimeSpan.FromSeconds(2) });
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var shard = c.Shard(GrainKeys.NetworkShardKey("dayton"));

        c.DeliveryFaults.Block(ApplyDelta);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));
        var stored = await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s?.Members.ContainsKey("dayton") == true, "the shard stores dayton");
        Assert.Equal([stored!.Sequence], stored.Outbox.Entries.Select(e => e.Payload.Sequence));
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Rejected(ApplyDelta)), n => n >= 2, "delivery is retried");
        Assert.Equal(1, (await c.Network.GetRollupAsync()).PartnershipCount);

        c.DeliveryFaults.Unblock(ApplyDelta);
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "dayton reaches the network");

        // No write and no deactivation follow: the reminder's tick finds everything delivered, prunes it and ends itself.
        await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s!.Outbox.Entries.Count == 0, "the reminder prunes the outbox");
        await GrainCluster.EventuallyAsync(
            () => c.ReminderNamesAsync(shard), names => names.Count == 0, "the reminder unregisters itself");
        Assert.Equal(2, (await Flows.SettledAsync(c)).PartnershipCount);
    }

    [Fact]
    public async Task EntriesLeftByADeactivation_AreResumedByTheNextActivation_AndCounted()
    {
        const string Resumed = "strive.outbox.entries.resumed";
        await using var c = await GrainCluster.StartAsync();
        using var metrics = new MetricRecorder([.. c.Cluster.Silos.Select(s => s.ServiceProvider.GetRequiredService<IMeterFactory>())]);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var shard = c.Shard(GrainKeys.NetworkShardKey("dayton"));

        c.DeliveryFaults.Block(ApplyDelta);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Rejected(ApplyDelta)), n => n >= 1, "delivery is tried");
        Assert.Equal(0, metrics.Sum(Resumed));

        // The activation ends with its delta undelivered; the next one finds it stored and delivers it.
        await c.Cluster.DeactivateAsync(shard);
        c.DeliveryFaults.Unblock(ApplyDelta);
        await shard.GetCountsAsync();
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 2, "dayton reaches the network");
        Assert.Equal(1, metrics.Sum(Resumed, ("strive.outbox.target", "network")));
        Assert.Equal(1, metrics.Sum(Resumed));
        Assert.True(metrics.Sum("strive.outbox.delivery.retries", ("strive.outbox.target", "network")) >= 1);
        Assert.Equal(2, (await Flows.SettledAsync(c)).PartnershipCount);
    }

    /// <summary>Two partnership ids that hash to the same network shard.</summary>
    private static (string First, string Second) TwoIdsOfOneShard()
    {
        var byShard = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; ; i++)
        {
            var id = $"partnership-{i}";
            if (byShard.TryGetValue(GrainKeys.NetworkShardKey(id), out var other))
            {
                return (other, id);
            }

            byShard[GrainKeys.NetworkShardKey(id)] = id;
        }
    }
}
