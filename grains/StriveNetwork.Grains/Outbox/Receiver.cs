namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// The reference to the grain an outbox delivers to, kept for the last key asked: <c>GetGrain</c> resolves the grain
/// type by reflection on every call, and an activation delivers to the same receiver (its partnership, its shard, the
/// network) almost every time. A mutable struct held in a field of one activation (single-threaded), never copied.
/// </summary>
/// <typeparam name="TGrain">The receiver's grain interface.</typeparam>
internal struct Receiver<TGrain>
    where TGrain : IGrainWithStringKey
{
    private string? _key;
    private TGrain? _grain;

    /// <summary>The reference for <paramref name="key"/>, from <paramref name="grains"/> when it is not the one held.</summary>
    public TGrain Get(IGrainFactory grains, string key)
    {
        if (_grain is null || !string.Equals(_key, key, StringComparison.Ordinal))
        {
            _grain = grains.GetGrain<TGrain>(key);
            _key = key;
        }

        return _grain;
    }
}
