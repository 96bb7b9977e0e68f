namespace StriveNetwork.Grains.Tests;

/// <summary>Shape of a <see cref="GrainCluster"/>.</summary>
public sealed record GrainClusterOptions
{
    /// <summary>Number of silos (1 or 3).</summary>
    public short Silos { get; init; } = 1;

    /// <summary>The storage and reminder table.</summary>
    public StorageKind Storage { get; init; } = StorageKind.Memory;

    /// <summary>Suppression minimum n.</summary>
    public int MinimumN { get; init; } = 10;

    /// <summary>
    /// The outbox reminder period; when set, Orleans' minimum reminder period is lowered to one second so a test can
    /// wait for the reminder. Null keeps the production default (one minute: the reminder never fires in a test).
    /// </summary>
    public TimeSpan? ReminderPeriod { get; init; }

    /// <summary>The grains' clock (the silo's <see cref="TimeProvider"/>); null = the system clock.</summary>
    public TimeProvider? Clock { get; init; }
}
