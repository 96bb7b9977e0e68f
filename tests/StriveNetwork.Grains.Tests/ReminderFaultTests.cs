using Microsoft.Extensions.DependencyInjection;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// A store that takes no writes (a full disk) must still serve reads: activating a partnership only reads the
/// reminder table, and a reminder that cannot be registered does not fail the activation.
/// </summary>
public sealed class ReminderFaultTests
{
    [Fact]
    public async Task Activation_WithItsReminderStored_DoesNotWriteTheReminderTable()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions { Storage = StorageKind.Shared });
        var p = c.Partnership("racine");
        await p.RegisterAsync(Sample.Profile("racine"));
        Assert.Contains(PartnershipGrain.ReevaluationReminder, await c.ReminderNamesAsync(p));
        await c.Cluster.DeactivateAsync(p);

        Reminders(c).RefuseWrites = true;
        var progress = await p.GetProgressAsync();

        Assert.Equal("racine", progress.PartnershipId);
    }

    [Fact]
    public async Task Activation_WhenTheReminderCannotBeRegistered_ServesReadsAndRegistersItLater()
    {
        await using var c = await GrainCluster.StartAsync(new GrainClusterOptions { Storage = StorageKind.Shared });
        var p = c.Partnership("racine");
        await p.RegisterAsync(Sample.Profile("racine"));
        await c.Cluster.DeactivateAsync(p);
        var table = Reminders(c);
        var row = await table.ReadRow(p.GetGrainId(), PartnershipGrain.ReevaluationReminder);
        Assert.True(await table.RemoveRow(row!.GrainId, row.ReminderName, row.ETag!));

        table.RefuseWrites = true;
        Assert.Equal("racine", (await p.GetProgressAsync()).PartnershipId);
        Assert.DoesNotContain(PartnershipGrain.ReevaluationReminder, await c.ReminderNamesAsync(p));

        table.RefuseWrites = false;
        await c.Cluster.DeactivateAsync(p);
        await p.GetProgressAsync();
        Assert.Contains(PartnershipGrain.ReevaluationReminder, await c.ReminderNamesAsync(p));
    }

    private static SharedReminderTable Reminders(GrainCluster c) =>
        (SharedReminderTable)c.Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredService<IReminderTable>();
}
