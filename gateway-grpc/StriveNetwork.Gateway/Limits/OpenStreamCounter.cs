using System.Collections.Concurrent;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// Counts open streaming calls per key (a token id, or a remote address for the public streams), so a client cannot
/// hold more than its share. A key's entry disappears when its last stream ends, so the table holds only keys with
/// open streams.
/// </summary>
public sealed class OpenStreamCounter
{
    private readonly ConcurrentDictionary<string, int> _open = new(StringComparer.Ordinal);

    /// <summary>Open streams of <paramref name="key"/> now.</summary>
    public int OpenFor(string key) => _open.GetValueOrDefault(key);

    /// <summary>Takes a slot for <paramref name="key"/>; null when <paramref name="limit"/> slots are taken already. Dispose the slot when the stream ends.</summary>
    public IDisposable? TryAcquire(string key, int limit)
    {
        ArgumentNullException.ThrowIfNull(key);
        while (true)
        {
            if (_open.TryGetValue(key, out var count))
            {
                if (count >= limit)
                {
                    return null;
                }

                if (_open.TryUpdate(key, count + 1, count))
                {
                    return new Slot(this, key);
                }
            }
            else if (limit > 0 && _open.TryAdd(key, 1))
            {
                return new Slot(this, key);
            }
            else if (limit <= 0)
            {
                return null;
            }
        }
    }

    private void Release(string key)
    {
        while (true)
        {
            var count = _open[key];
            if (count == 1)
            {
                // Removes only if nobody took a slot meanwhile (then the loop decrements instead).
                if (_open.TryRemove(new KeyValuePair<string, int>(key, 1)))
                {
                    return;
                }
            }
            else if (_open.TryUpdate(key, count - 1, count))
            {
                return;
            }
        }
    }

    private sealed class Slot(OpenStreamCounter owner, string key) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(key);
            }
        }
    }
}
