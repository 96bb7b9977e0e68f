using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>A client-side watcher of the network rollup: keeps every rollup it is sent.</summary>
public sealed class RollupWatcher : INetworkRollupObserver
{
    private readonly Lock _gate = new();
    private readonly List<NetworkRollup> _received = [];

    /// <summary>The rollups received so far, in arrival order.</summary>
    public IReadOnlyList<NetworkRollup> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    public Task OnRollupChanged(NetworkRollup rollup)
    {
        lock (_gate)
        {
            _received.Add(rollup);
        }

        return Task.CompletedTask;
    }
}
