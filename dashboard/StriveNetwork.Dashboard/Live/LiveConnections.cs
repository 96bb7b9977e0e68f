using System.Collections.Concurrent;

namespace StriveNetwork.Dashboard.Live;

/// <summary>
/// Bounds the open live-update (SSE) connections: each holds a WatchNetworkRollup call on the API, so there are at
/// most <see cref="PerSession"/> per session and <see cref="Overall"/> in all; beyond, the server answers 503.
/// </summary>
public sealed class LiveConnections
{
    /// <summary>Open connections one session may hold (a few tabs).</summary>
    public const int PerSession = 4;

    /// <summary>Open connections in all.</summary>
    public const int Overall = 200;

    private readonly ConcurrentDictionary<string, int> _perSession = new(StringComparer.Ordinal);
    private int _overall;

    /// <summary>Open connections now.</summary>
    public int Count => Volatile.Read(ref _overall);

    /// <summary>Takes a slot for <paramref name="session"/>; null when a bound is reached. Dispose the lease to give it back.</summary>
    public IDisposable? TryOpen(string session)
    {
        if (Interlocked.Increment(ref _overall) > Overall)
        {
            Interlocked.Decrement(ref _overall);
            return null;
        }

        var taken = false;
        _perSession.AddOrUpdate(session, _ => { taken = true; return 1; }, (_, n) => { taken = n < PerSession; return taken ? n + 1 : n; });
        if (!taken)
        {
            Interlocked.Decrement(ref _overall);
            return null;
        }

        return new Lease(this, session);
    }

    private void Close(string session)
    {
        Interlocked.Decrement(ref _overall);
        while (true)
        {
            var n = _perSession.GetValueOrDefault(session);
            if (n <= 1 ? _perSession.TryRemove(new KeyValuePair<string, int>(session, n)) : _perSession.TryUpdate(session, n - 1, n))
            {
                return;
            }
        }
    }

    private sealed class Lease(LiveConnections owner, string session) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                owner.Close(session);
            }
        }
    }
}
