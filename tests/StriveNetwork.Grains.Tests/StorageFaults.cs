namespace StriveNetwork.Grains.Tests;

/// <summary>Which writes the cluster's storage refuses (shared by every silo): set by a test, read by <see cref="FaultyGrainStorage"/>.</summary>
public sealed class StorageFaults
{
    private readonly Lock _gate = new();
    private string? _stateName;
    private int _remaining;
    private int _refused;

    /// <summary>Number of writes refused so far.</summary>
    public int Refused
    {
        get
        {
            lock (_gate)
            {
                return _refused;
            }
        }
    }

    /// <summary>Refuses the next <paramref name="times"/> writes of states named <paramref name="stateName"/> (e.g. "partnership").</summary>
    public void RefuseNextWritesOf(string stateName, int times = 1)
    {
        lock (_gate)
        {
            (_stateName, _remaining) = (stateName, times);
        }
    }

    /// <summary>Throws, as a full disk or a lost connection would, when the write is to be refused.</summary>
    public void ThrowIfRefused(string stateName, GrainId grainId)
    {
        lock (_gate)
        {
            if (_remaining == 0 || !string.Equals(stateName, _stateName, StringComparison.Ordinal))
            {
                return;
            }

            _remaining--;
            _refused++;
        }

        throw new IOException($"refused write of {stateName} for {grainId} (test)");
    }
}
