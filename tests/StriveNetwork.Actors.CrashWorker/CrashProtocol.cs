using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.CrashWorker;

/// <summary>What the crash worker writes; the verifying tests use the same definitions.</summary>
public static class CrashProtocol
{
    /// <summary>Number of grains the worker writes round-robin.</summary>
    public const int Grains = 3;

    /// <summary>Stream namespace of the worker's events.</summary>
    public const string Namespace = "crash";

    /// <summary>Grain type of the worker's grains (the producer type of its events).</summary>
    public const string GrainType = "crashworker";

    /// <summary>The state key of grain <paramref name="grain"/>.</summary>
    public static GrainStateKey Key(int grain) => new(GrainType, $"g{grain}", "state");

    /// <summary>1 to 3 events per commit, so a torn commit shows as a wrong count.</summary>
    public static int EventsFor(long counter) => 1 + (int)(counter % 3);
}
