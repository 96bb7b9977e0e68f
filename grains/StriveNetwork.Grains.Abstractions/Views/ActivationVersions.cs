using System.Collections.Concurrent;

namespace StriveNetwork.Grains.Abstractions.Views;

/// <summary>
/// The state versions of the grain activations living in this process (docs/adr/0014). An activation announces a
/// version when it activates and, synchronously, after every state write and before the write's reply; it withdraws
/// its key when it deactivates. The front door serves a cached response only when the response's version equals the
/// version announced here, so a key without a local activation is never served from the cache: its activation may
/// live on another silo, whose writes this process would not hear about.
/// </summary>
/// <remarks>
/// Versions come from <see cref="Next"/>: unique and increasing within the process, so a new activation of the same
/// grain never repeats a version that an earlier one announced (a late cache insert made under the old activation
/// can never match).
/// </remarks>
public sealed class ActivationVersions
{
    private static long s_last;
    private readonly ConcurrentDictionary<ViewSource, long> _announced = new();

    /// <summary>A version no activation of this process has had: increasing, never repeated.</summary>
    public static long Next() => Interlocked.Increment(ref s_last);

    /// <summary>The number of keys announced (one per local activation that announced).</summary>
    public int Count => _announced.Count;

    /// <summary>The local activation of <paramref name="source"/> now holds the state of <paramref name="version"/>.</summary>
    public void Announce(ViewSource source, long version) =>
        // Versions only move forward for a key: of two announcements racing, the later version wins.
        _announced.AddOrUpdate(source, version, (_, held) => Math.Max(held, version));

    /// <summary>
    /// The activation of <paramref name="source"/> that announced <paramref name="version"/> is going away; a later
    /// activation's announcement (a greater version) is kept.
    /// </summary>
    public void Withdraw(ViewSource source, long version) =>
        _announced.TryRemove(new KeyValuePair<ViewSource, long>(source, version));

    /// <summary>The version the local activation of <paramref name="source"/> announced last; false when none is local.</summary>
    public bool TryGet(ViewSource source, out long version) => _announced.TryGetValue(source, out version);
}
