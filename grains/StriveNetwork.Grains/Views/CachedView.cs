namespace StriveNetwork.Grains.Views;

/// <summary>
/// One view of a grain, kept for the key it was computed under (the state version, and whatever else the view reads:
/// the date, the rules revision) and computed again, on the first read, once the key changes (docs/adr/0014). Holds
/// at most one view; not thread-safe (a grain activation runs one turn at a time).
/// </summary>
/// <typeparam name="TKey">What the view depends on.</typeparam>
/// <typeparam name="TView">The view.</typeparam>
internal sealed class CachedView<TKey, TView>
    where TKey : IEquatable<TKey>
{
    private TKey? _key;
    private TView? _view;
    private bool _held;

    /// <summary>The view for <paramref name="key"/>: the one held when computed under the same key, else <paramref name="compute"/>'s.</summary>
    public TView Get<TArg>(TKey key, TArg arg, Func<TArg, TView> compute)
    {
        if (_held && key.Equals(_key))
        {
            return _view!;
        }

        // Compute before replacing: a computation that throws leaves nothing half-cached.
        var view = compute(arg);
        _key = key;
        _view = view;
        _held = true;
        return view;
    }
}

/// <summary>
/// Views of a grain that take a parameter (a year, a definition version), all computed under one key and dropped
/// together when the key changes. Holds at most <see cref="MaxViews"/>; past that it starts over.
/// </summary>
/// <typeparam name="TKey">What the views depend on.</typeparam>
/// <typeparam name="TView">The view.</typeparam>
internal sealed class CachedViews<TKey, TView>
    where TKey : IEquatable<TKey>
{
    /// <summary>Most views held at once (the parameters are bounded anyway: years, definition versions).</summary>
    public const int MaxViews = 128;

    private TKey? _key;
    private Dictionary<int, TView>? _views;

    /// <summary>The view of <paramref name="parameter"/> for <paramref name="key"/>, computed by <paramref name="compute"/> when not held.</summary>
    public TView Get<TArg>(TKey key, int parameter, TArg arg, Func<TArg, int, TView> compute)
    {
        if (_views is not null && key.Equals(_key) && _views.TryGetValue(parameter, out var held))
        {
            return held;
        }

        var view = compute(arg, parameter);
        if (_views is null || !key.Equals(_key) || _views.Count >= MaxViews)
        {
            _views = [];
            _key = key;
        }

        _views[parameter] = view;
        return view;
    }
}
