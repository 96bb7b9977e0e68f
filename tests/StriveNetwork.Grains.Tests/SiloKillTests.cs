using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>An outbox entry outlives the silo that held its producer: the reminder wakes the producer elsewhere and it delivers.</summary>
public sealed class SiloKillTests
{
    private const string ApplyDelta = nameof(INetworkGrain.ApplyDeltaAsync);

    [Fact]
    public async Task UndeliveredEntry_SurvivesAKilledSilo_AndTheReminderDeliversIt()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions
        {
            Silos = 3,
            Storage = StorageKind.Shared,
            ReminderPeriod = TimeSpan.FromSeconds(2),
        });
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var shard = c.Shard(GrainKeys.NetworkShardKey("dayton"));

        // The network refuses deltas: the shard stores dayton's snapshot and the delta it owes, and keeps retrying.
        c.DeliveryFaults.Block(ApplyDelta);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton", "OH"));
        var stored = await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s?.Members.ContainsKey("dayton") == true, "the shard stores dayton");
        Assert.Equal([stored!.Sequence], stored.Outbox.Entries.Select(e => e.Payload.Sequence));
        Assert.Contains(OutboxDelivery<ShardDelta>.ReminderName, await c.ReminderNamesAsync(shard));
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Rejected(ApplyDelta)), n => n >= 1, "delivery is attempted");
        Assert.Equal(1, (await c.Network.GetRollupAsync()).PartnershipCount);

        // The silo holding the shard dies with the delta undelivered; nothing calls the shard afterwards.
        var host = Assert.Single(await c.HostsOfAsync(shard));
        await c.Cluster.KillSiloAsync(host);
        c.DeliveryFaults.Unblock(ApplyDelta);

        var rollup = await GrainCluster.EventuallyAsync(
            () => WhileTheClusterHealsAsync(() => c.Network.GetRollupAsync()), r => r?.PartnershipCount == 2, "the reminder delivers the delta", seconds: 90);
        Assert.Equal(2, rollup!.Gateways.Single(g => g.Gateway == StriveNetwork.Domain.Frameworks.GatewayStage.Exploring).Count);

        // The next ticks find the entry acknowledged: they prune it from the stored state and end the reminder.
        await GrainCluster.EventuallyAsync(
            () => c.ReadStoredAsync<NetworkShardState>("network-shard", shard), s => s!.Outbox.Entries.Count == 0, "the reminder prunes the outbox", seconds: 60);
        await GrainCluster.EventuallyAsync(
            () => c.ReminderNamesAsync(shard), names => names.Count == 0, "the reminder unregisters itself", seconds: 60);
        Assert.Equal(2, (await Flows.SettledAsync(c, seconds: 60)).PartnershipCount);
        Assert.Equal(2, c.Cluster.GetActiveSilos().Count());
    }

    /// <summary>Calls into a cluster that has not noticed the death yet may fail (the dead silo still owns grains): null then.</summary>
    private static async Task<T?> WhileTheClusterHealsAsync<T>(Func<Task<T>> call)
        where T : class
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is TimeoutException or OrleansException or SiloUnavailableException)
        {
            return null;
        }
    }
}
