using System.Globalization;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>
/// Rollup counts keyed by field path (e.g. <c>gateways[SystemsChange]</c>). A snapshot's contribution is a fixed
/// set of (path, amount) pairs, so replacing a partnership's snapshot subtracts the old contribution and adds the new
/// one: O(size of one snapshot), independent of the number of partnerships. Recomputation builds a fresh counter and
/// compares paths.
/// </summary>
internal sealed class RollupCounter
{
    private static readonly GatewayStage[] Stages = Enum.GetValues<GatewayStage>();
    private static readonly Designation[] AllDesignations = Enum.GetValues<Designation>();
    private static readonly Outcome[] Outcomes = Enum.GetValues<Outcome>();

    private readonly Dictionary<string, long> _counts = new(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, long> Counts => _counts;

    public static RollupCounter From(IEnumerable<PartnershipSnapshot> snapshots)
    {
        var counter = new RollupCounter();
        foreach (var s in snapshots)
        {
            counter.Add(s, 1);
        }

        return counter;
    }

    /// <summary>A counter holding the given counts (e.g. stored ones).</summary>
    public static RollupCounter FromCounts(IEnumerable<KeyValuePair<string, long>> counts)
    {
        var counter = new RollupCounter();
        counter.Apply(counts);
        return counter;
    }

    /// <summary>The count changes of replacing <paramref name="from"/> (null: none held) by <paramref name="to"/>.</summary>
    public static Dictionary<string, long> Change(PartnershipSnapshot? from, PartnershipSnapshot to)
    {
        var delta = new RollupCounter();
        if (from is not null)
        {
            delta.Add(from, -1);
        }

        delta.Add(to, 1);
        return delta._counts;
    }

    /// <summary>The count changes that turn <paramref name="from"/> into <paramref name="to"/>.</summary>
    public static Dictionary<string, long> Difference(RollupCounter from, RollupCounter to)
    {
        var delta = FromCounts(to._counts);
        delta.Apply(from._counts.Select(c => KeyValuePair.Create(c.Key, -c.Value)));
        return delta._counts;
    }

    /// <summary>A copy of the counts (for storage and messages; the counter keeps changing).</summary>
    public Dictionary<string, long> Copy() => new(_counts, StringComparer.Ordinal);

    public void Add(PartnershipSnapshot snapshot, int sign)
    {
        foreach (var (path, amount) in Contribution(snapshot))
        {
            Increment(path, sign * amount);
        }
    }

    /// <summary>Adds count changes (a shard delta or a shard's whole contribution).</summary>
    public void Apply(IEnumerable<KeyValuePair<string, long>> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        foreach (var (path, amount) in changes)
        {
            Increment(path, amount);
        }
    }

    private void Increment(string path, long amount)
    {
        var value = _counts.GetValueOrDefault(path) + amount;
        if (value == 0)
        {
            _counts.Remove(path);
        }
        else
        {
            _counts[path] = value;
        }
    }

    public static IReadOnlyList<RollupDifference> Compare(RollupCounter streamed, RollupCounter recomputed) =>
        [.. streamed._counts.Keys.Union(recomputed._counts.Keys, StringComparer.Ordinal)
            .Order(StringComparer.Ordinal)
            .Select(p => (Path: p, A: streamed._counts.GetValueOrDefault(p), B: recomputed._counts.GetValueOrDefault(p)))
            .Where(x => x.A != x.B)
            .Select(x => new RollupDifference(x.Path, x.A.ToString(CultureInfo.InvariantCulture), x.B.ToString(CultureInfo.InvariantCulture)))];

    public NetworkRollup Materialize(long version, DateTimeOffset updateTime, int currentYear)
    {
        var frameworks = FrameworkCatalog.Embedded.Frameworks
            .Where(f => Get($"frameworks[{f.Id}].partnership_count") > 0)
            .OrderBy(f => f.Id, StringComparer.Ordinal)
            .Select(f => new FrameworkGatewayCounts(f.Id, Get($"frameworks[{f.Id}].partnership_count"),
                [.. f.Gateways.Select(g => new StageCount(g.Stage, Get($"frameworks[{f.Id}].gateways[{g.Stage}]")))]))
            .ToList();
        var years = _counts.Keys
            .Where(k => k.StartsWith("history[", StringComparison.Ordinal) && k.EndsWith("].partnership_count", StringComparison.Ordinal))
            .Select(k => int.Parse(k.AsSpan(8, k.IndexOf(']', StringComparison.Ordinal) - 8), CultureInfo.InvariantCulture))
            .ToList();
        var history = new List<NetworkYear>();
        if (years.Count > 0)
        {
            for (var y = years.Min(); y <= Math.Max(currentYear, years.Max()); y++)
            {
                var p = $"history[{y}].";
                history.Add(new NetworkYear(y, Get(p + "partnership_count"), StageCounts(p), DesignationCounts(p), TrendCounts(p), GapCounts(p + "gaps")));
            }
        }

        return new NetworkRollup(
            version,
            updateTime,
            Get("partnership_count"),
            StageCounts(string.Empty),
            frameworks,
            DesignationCounts(string.Empty),
            TrendCounts(string.Empty),
            GapCounts("gaps"),
            [.. Outcomes.Select(o => new OutcomeGapCounts(o, GapCounts($"gaps_by_outcome[{o}]")))],
            history);
    }

    private static IEnumerable<(string Path, long Amount)> Contribution(PartnershipSnapshot s)
    {
        yield return ("partnership_count", 1);
        yield return ($"gateways[{s.Gateway}]", 1);
        yield return ($"frameworks[{s.FrameworkId}].partnership_count", 1);
        yield return ($"frameworks[{s.FrameworkId}].gateways[{s.Gateway}]", 1);
        foreach (var d in s.Designations)
        {
            yield return ($"designations[{d}]", 1);
        }

        foreach (var item in Trends(string.Empty, s.OutcomeTrends))
        {
            yield return item;
        }

        foreach (var g in s.GapsByOutcome)
        {
            foreach (var item in Gaps("gaps", g.Counts).Concat(Gaps($"gaps_by_outcome[{g.Outcome}]", g.Counts)))
            {
                yield return item;
            }
        }

        foreach (var y in s.History)
        {
            var p = $"history[{y.Year}].";
            yield return (p + "partnership_count", 1);
            yield return ($"{p}gateways[{y.Gateway}]", 1);
            foreach (var d in y.Designations)
            {
                yield return ($"{p}designations[{d}]", 1);
            }

            foreach (var item in Trends(p, y.OutcomeTrends).Concat(Gaps(p + "gaps", y.Gaps)))
            {
                yield return item;
            }
        }
    }

    private static IEnumerable<(string, long)> Trends(string prefix, IReadOnlyList<OutcomeTrend> trends)
    {
        foreach (var o in Outcomes)
        {
            var t = trends.FirstOrDefault(x => x.Outcome == o);
            var field = t is null ? "not_tracked" : TrendField(t.Direction);
            yield return ($"{prefix}outcome_trends[{o}].{field}", 1);
        }
    }

    private static string TrendField(TrendDirection d) => d switch
    {
        TrendDirection.Improved => "improved",
        TrendDirection.Maintained => "maintained",
        TrendDirection.Worsened => "worsened",
        _ => "insufficient_data",
    };

    private static IEnumerable<(string, long)> Gaps(string prefix, GapChangeCounts c)
    {
        yield return ($"{prefix}.reduced", c.Reduced);
        yield return ($"{prefix}.eliminated", c.Eliminated);
        yield return ($"{prefix}.unchanged", c.Unchanged);
        yield return ($"{prefix}.widened", c.Widened);
        yield return ($"{prefix}.insufficient_data", c.InsufficientData);
    }

    private int Get(string path) => (int)_counts.GetValueOrDefault(path);

    private IReadOnlyList<StageCount> StageCounts(string prefix) => [.. Stages.Select(s => new StageCount(s, Get($"{prefix}gateways[{s}]")))];

    private IReadOnlyList<DesignationCount> DesignationCounts(string prefix) => [.. AllDesignations.Select(d => new DesignationCount(d, Get($"{prefix}designations[{d}]")))];

    private IReadOnlyList<OutcomeTrendCount> TrendCounts(string prefix) =>
        [.. Outcomes.Select(o =>
        {
            var p = $"{prefix}outcome_trends[{o}].";
            return new OutcomeTrendCount(o, Get(p + "improved"), Get(p + "maintained"), Get(p + "worsened"), Get(p + "insufficient_data"), Get(p + "not_tracked"));
        })];

    private GapChangeCounts GapCounts(string prefix) =>
        new(Get(prefix + ".reduced"), Get(prefix + ".eliminated"), Get(prefix + ".unchanged"), Get(prefix + ".widened"), Get(prefix + ".insufficient_data"));
}
