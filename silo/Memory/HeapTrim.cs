namespace StriveNetwork.Silo.Memory;

/// <summary>
/// Gives back to the system the memory a bulk load (the demo network) left committed in the GC heap. Server GC sizes
/// its budgets for the load's allocation rate and keeps the memory it grew to while the silo then idles: after the
/// demo load about 160 MiB committed for about 85 MiB live. One blocking, compacting, aggressive collection when the
/// load is done returns the difference; serving traffic grows the budgets again as it needs them (docs/adr/0019).
/// </summary>
internal static partial class HeapTrim
{
    private const long MiB = 1024 * 1024;

    /// <summary>Collects every generation, compacting and decommitting what is free; logs the committed size before and after.</summary>
    public static void AfterBulkLoad(ILogger logger)
    {
        ArgumentNullException.ThrowIfNull(logger);
        var before = GC.GetGCMemoryInfo(GCKind.Any);
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        var after = GC.GetGCMemoryInfo(GCKind.Any);
        LogTrimmed(logger, before.TotalCommittedBytes / MiB, after.TotalCommittedBytes / MiB, after.HeapSizeBytes / MiB);
    }

    [LoggerMessage(EventId = 7450, EventName = "HeapTrimmedAfterBulkLoad", Level = LogLevel.Information,
        Message = "GC heap after the bulk load: {CommittedBeforeMiB} MiB committed before the collection, {CommittedAfterMiB} MiB after, {LiveMiB} MiB live")]
    private static partial void LogTrimmed(ILogger logger, long committedBeforeMiB, long committedAfterMiB, long liveMiB);
}
