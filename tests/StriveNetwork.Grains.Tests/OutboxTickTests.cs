using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The outbox reminder settles an activation only once it has gone a whole period without a write: an activation that
/// keeps writing pays no prune write and no reminder delete and insert per period, and an idle one still ends tidy.
/// The ticks are sent by hand (as the reminder service sends them), so the test does not depend on the clock.
/// </summary>
public sealed class OutboxTickTests
{
    [Fact]
    public async Task ATickAfterAWrite_WritesNothing_AndTheNextIdleTickSettles()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        Assert.NotEmpty((await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.Outbox.Entries); // delivered, not yet pruned
        Assert.Contains(OutboxDelivery<SnapshotUpdate>.ReminderName, await c.ReminderNamesAsync(racine));
        var writes = c.StorageFaults.Writes("partnership");
        var tick = racine.AsReference<IRemindable>();

        // Written since the last tick: the reminder stays, nothing is written.
        await tick.ReceiveReminder(OutboxDelivery<SnapshotUpdate>.ReminderName, default);
        Assert.Equal(writes, c.StorageFaults.Writes("partnership"));
        Assert.Contains(OutboxDelivery<SnapshotUpdate>.ReminderName, await c.ReminderNamesAsync(racine));

        // A whole period without a write: the delivered entries are pruned and the reminder ends.
        await tick.ReceiveReminder(OutboxDelivery<SnapshotUpdate>.ReminderName, default);
        Assert.Equal(writes + 1, c.StorageFaults.Writes("partnership"));
        Assert.Empty((await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.Outbox.Entries);
        Assert.DoesNotContain(OutboxDelivery<SnapshotUpdate>.ReminderName, await c.ReminderNamesAsync(racine));
    }
}
