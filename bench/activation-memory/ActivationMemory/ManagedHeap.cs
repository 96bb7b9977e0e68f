namespace StriveNetwork.Bench.ActivationMemory;

/// <summary>Live managed bytes after full, blocking, compacting collections (finalizers run in between).</summary>
public static class ManagedHeap
{
    public static long LiveBytes()
    {
        // Let the silo's background work of the last calls (activation completion, statistics) finish first.
        Thread.Sleep(500);
        for (var i = 0; i < 3; i++)
        {
            GC.Collect(GC.MaxGeneration, GCCollectionMode.Forced, blocking: true, compacting: true);
            GC.WaitForPendingFinalizers();
        }

        return GC.GetTotalMemory(forceFullCollection: true);
    }
}
