using Google.Protobuf;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Telemetry;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Gateway.Caching;

/// <summary>
/// The silo-local cache of encoded read responses (docs/adr/0014). An entry holds the grain state version and the
/// date it was computed under; it is served only while the local activation of its grain announces that same
/// version in <see cref="ActivationVersions"/> and the date is today. Because an activation announces every write
/// before the write's reply, a read that starts after the reply never gets an entry from before the write; an entry
/// stored late, under the version announced before a write, never matches again. Keys with no local activation are
/// never served. Bounded by <see cref="ResponseCacheOptions"/>: the least recently used entries go first.
/// </summary>
/// <remarks>Authorization runs before the cache is consulted: the cache only replaces the grain call and the encoding.</remarks>
public sealed class ResponseCache
{
    /// <summary>Bytes counted per entry on top of its response (key, node, entry objects), so many small entries stay bounded too.</summary>
    internal const int EntryOverheadBytes = 160;

    private readonly Lock _gate = new();
    private readonly Dictionary<CachedRead, LinkedListNode<Entry>> _entries = [];
    private readonly LinkedList<Entry> _recency = new(); // most recently used first
    private readonly ActivationVersions _versions;
    private readonly ResponseCacheOptions _options;
    private readonly TimeProvider _time;
    private readonly GatewayMetrics? _metrics;
    private long _bytes;

    /// <summary>Creates an empty cache over the process's announced versions.</summary>
    public ResponseCache(ActivationVersions versions, IOptions<ResponseCacheOptions> options, TimeProvider time, GatewayMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(versions);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(time);
        _versions = versions;
        _options = options.Value;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>Number of responses held.</summary>
    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _entries.Count;
            }
        }
    }

    /// <summary>Bytes held, responses plus <see cref="EntryOverheadBytes"/> each.</summary>
    public long Bytes
    {
        get
        {
            lock (_gate)
            {
                return _bytes;
            }
        }
    }

    private DateOnly Today => DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);

    /// <summary>
    /// The cached response of <paramref name="read"/> when it shows the state its local activation announces now,
    /// computed today; otherwise a miss carrying that version (read before the caller calls the grain).
    /// </summary>
    public ResponseCacheLookup Find(CachedRead read)
    {
        var today = Today;
        if (_options.MaxEntries == 0 || !_versions.TryGet(read.Source, out var version))
        {
            _metrics?.CacheLookedUp(read.Kind, hit: false);
            return new ResponseCacheLookup(null, cacheable: false, 0, today);
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(read, out var node))
            {
                if (node.Value.Version == version && node.Value.Date == today)
                {
                    _recency.Remove(node);
                    _recency.AddFirst(node);
                    _metrics?.CacheLookedUp(read.Kind, hit: true);
                    return new ResponseCacheLookup(node.Value.Response, cacheable: true, version, today);
                }

                // Versions of a key only grow and days only pass: an entry that does not match now never will.
                Remove(node);
            }
        }

        _metrics?.CacheLookedUp(read.Kind, hit: false);
        return new ResponseCacheLookup(null, cacheable: true, version, today);
    }

    /// <summary>
    /// Encodes <paramref name="message"/>, the grain's answer to <paramref name="read"/> after <paramref name="miss"/>,
    /// and keeps it under the miss's version and date when it may be served later.
    /// </summary>
    public EncodedResponse Store(CachedRead read, ResponseCacheLookup miss, IMessage message)
    {
        ArgumentNullException.ThrowIfNull(message);
        var response = EncodedResponse.Of(message);
        if (miss.Cacheable)
        {
            Keep(read, miss.Version, miss.Date, response);
        }

        return response;
    }

    /// <summary>Keeps <paramref name="response"/> as <paramref name="read"/>'s under <paramref name="version"/> and <paramref name="date"/>.</summary>
    internal void Keep(CachedRead read, long version, DateOnly date, EncodedResponse response)
    {
        if (_options.MaxEntries == 0 || response.Bytes.Length > _options.MaxEntryBytes || date != Today)
        {
            return;
        }

        // Not required for correctness (Find compares versions), but an entry whose version is already gone would
        // only take room, and could push out a newer one.
        if (!_versions.TryGet(read.Source, out var current) || current != version)
        {
            return;
        }

        lock (_gate)
        {
            if (_entries.TryGetValue(read, out var held))
            {
                if (held.Value.Version > version || (held.Value.Version == version && held.Value.Date >= date))
                {
                    return;
                }

                Remove(held);
            }

            var node = _recency.AddFirst(new Entry(read, version, date, response));
            _entries[read] = node;
            _bytes += Size(response);
            while (_entries.Count > _options.MaxEntries || _bytes > _options.MaxBytes)
            {
                Remove(_recency.Last!);
            }
        }
    }

    private void Remove(LinkedListNode<Entry> node)
    {
        _recency.Remove(node);
        _entries.Remove(node.Value.Read);
        _bytes -= Size(node.Value.Response);
    }

    private static long Size(EncodedResponse response) => response.Bytes.Length + EntryOverheadBytes;

    private sealed record Entry(CachedRead Read, long Version, DateOnly Date, EncodedResponse Response);
}
