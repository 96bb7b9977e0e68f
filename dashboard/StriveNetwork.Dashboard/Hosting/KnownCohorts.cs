namespace StriveNetwork.Dashboard.Hosting;

/// <summary>
/// The cohorts the overview links to. The strive.v1 API has no call that lists cohorts, so the host tells the
/// dashboard the ones it knows (the demo network's); the API still decides who may open each one.
/// </summary>
public sealed class KnownCohorts
{
    private volatile IReadOnlyList<string> _ids = [];

    /// <summary>The cohort ids, in the order given.</summary>
    public IReadOnlyList<string> Ids => _ids;

    /// <summary>Replaces the list.</summary>
    public void Set(IEnumerable<string> ids)
    {
        ArgumentNullException.ThrowIfNull(ids);
        _ids = [.. ids.Take(100)];
    }
}
