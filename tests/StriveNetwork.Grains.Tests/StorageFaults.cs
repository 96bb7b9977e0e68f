namespace StriveNetwork.Grains.Tests;

/// <summary>Which writes the cluster's storage refuses (shared by every silo): set by a test, read by <see cref="FaultyGrainStorage"/>.</summary>
public sealed class StorageFaults
{
    private readonly Lock _gate = new();
    private string? _stateName;
    private int _remaining;
    private int _refused;
    private readonly Dictionary<string, int> _writes = new(StringComparer.Ordinal);
    private (string StateName, TaskCompletionSource Held, TaskCompletionSource Release)? _hold;

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

    /// <summary>Writes of states named <paramref name="stateName"/> that reached the storage (refused or not).</summary>
    public int Writes(string stateName)
    {
        lock (_gate)
        {
            return _writes.GetValueOrDefault(stateName);
        }
    }

    /// <summary>
    /// Holds the next write of a state named <paramref name="stateName"/> before it is stored: <c>Held</c> completes
    /// when that write is waiting, and the write goes on after <c>release</c> is called.
    /// </summary>
    public (Task Held, Action Release) HoldNextWriteOf(string stateName)
    {
        var held = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            _hold = (stateName, held, release);
        }

        return (held.Task, () => release.TrySetResult());
    }

    /// <summary>Counts the write, and waits when it is the one <see cref="HoldNextWriteOf"/> holds.</summary>
    public Task BeforeWriteAsync(string stateName)
    {
        (string StateName, TaskCompletionSource Held, TaskCompletionSource Release)? hold = null;
        lock (_gate)
        {
            _writes[stateName] = _writes.GetValueOrDefault(stateName) + 1;
            if (_hold is { } h && string.Equals(h.StateName, stateName, StringComparison.Ordinal))
            {
                (hold, _hold) = (h, null);
            }
        }

        if (hold is not { } taken)
        {
            return Task.CompletedTask;
        }

        taken.Held.TrySetResult();
        return taken.Release.Task;
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
