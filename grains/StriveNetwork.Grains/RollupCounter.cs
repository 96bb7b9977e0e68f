using System.Collections.Concurrent;
using System.Globalization;
using System.Runtime.InteropServices;
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

    // About what one snapshot contributes (paths of the network, its framework and each history year): a change holds
    // them all before the newer snapshot cancels most of them, so its working counter starts at this size.
    private const int ChangeCapacity = 256;

    // The working counter of Change, one per thread and reused: a change is summed in it and only what is left (a few
    // paths) is copied out, so the dictionary a partnership's outbox keeps is small and the large one is not allocated
    // on every publication (ADR 0022's measurements).
    [ThreadStatic]
    private static RollupCounter? t_changeScratch;

    private readonly Dictionary<string, long> _counts;

    public RollupCounter()
        : this(0)
    {
    }

    private RollupCounter(int capacity) => _counts = new(capacity, StringComparer.Ordinal);

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
        ArgumentNullException.ThrowIfNull(counts);
        var counter = new RollupCounter(counts is IReadOnlyCollection<KeyValuePair<string, long>> known ? known.Count : 0);
        counter.Apply(counts);
        return counter;
    }

    /// <summary>The count changes of replacing <paramref name="from"/> (null: none held) by <paramref name="to"/>.</summary>
    public static Dictionary<string, long> Change(PartnershipSnapshot? from, PartnershipSnapshot to)
    {
        ArgumentNullException.ThrowIfNull(to);
        var scratch = t_changeScratch ??= new RollupCounter(ChangeCapacity);
        try
        {
            if (from is not null)
            {
                scratch.AddContribution(from, -1, to);
            }

            scratch.AddContribution(to, 1, from);
            return new Dictionary<string, long>(scratch._counts, StringComparer.Ordinal);
        }
        finally
        {
            scratch._counts.Clear();
        }
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

    /// <summary>
    /// The counts themselves, not a copy: for a counter that is its caller's own and is not changed afterwards (a
    /// shard's next stored counts, a merged change), which would otherwise be copied once more on every write.
    /// </summary>
    public Dictionary<string, long> Detach() => _counts;

    public void Add(PartnershipSnapshot snapshot, int sign)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        AddContribution(snapshot, sign, other: null);
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
        if (amount == 0)
        {
            return;
        }

        ref var value = ref CollectionsMarshal.GetValueRefOrAddDefault(_counts, path, out _);
        value += amount;
        if (value == 0)
        {
            _counts.Remove(path);
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
        // Read through the held paths, as contributions are added: a watched network materializes on every change.
        var frameworks = FrameworkCatalog.Embedded.Frameworks
            .Select(f => (Framework: f, Paths: PrefixPaths.OfFramework(f.Id)))
            .Where(f => Get(f.Paths.PartnershipCount) > 0)
            .OrderBy(f => f.Framework.Id, StringComparer.Ordinal)
            .Select(f => new FrameworkGatewayCounts(f.Framework.Id, Get(f.Paths.PartnershipCount),
                [.. f.Framework.Gateways.Select(g => new StageCount(g.Stage, Get(f.Paths.Gateway(g.Stage))))]))
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
                var p = PrefixPaths.Of(y);
                history.Add(new NetworkYear(y, Get(p.PartnershipCount), StageCounts(p), DesignationCounts(p), TrendCounts(p), GapCounts(p.Gaps)));
            }
        }

        var network = PrefixPaths.Network;
        return new NetworkRollup(
            version,
            updateTime,
            Get(network.PartnershipCount),
            StageCounts(network),
            frameworks,
            DesignationCounts(network),
            TrendCounts(network),
            GapCounts(network.Gaps),
            [.. Outcomes.Select(o => new OutcomeGapCounts(o, GapCounts(PrefixPaths.OutcomeGaps(o))))],
            history);
    }

    // A snapshot's contribution, added with sign. Loops by index and adds in place: this runs twice for every change a
    // partnership publishes, and iterators or boxed list enumerators here were a large part of the silo's allocations
    // under write load (ADR 0022's measurements). A history year that is the same object at the same place in
    // <paramref name="other"/> is left out: Change adds both snapshots with opposite signs, so its counts cancel.
    private void AddContribution(PartnershipSnapshot s, int sign, PartnershipSnapshot? other)
    {
        var network = PrefixPaths.Network;
        var framework = PrefixPaths.OfFramework(s.FrameworkId);
        Increment(network.PartnershipCount, sign);
        Increment(network.Gateway(s.Gateway), sign);
        Increment(framework.PartnershipCount, sign);
        Increment(framework.Gateway(s.Gateway), sign);
        AddDesignations(network, s.Designations, sign);
        AddTrends(network, s.OutcomeTrends, sign);
        for (var i = 0; i < s.GapsByOutcome.Count; i++)
        {
            var g = s.GapsByOutcome[i];
            AddGaps(network.Gaps, g.Counts, sign);
            AddGaps(PrefixPaths.OutcomeGaps(g.Outcome), g.Counts, sign);
        }

        for (var i = 0; i < s.History.Count; i++)
        {
            var y = s.History[i];
            if (other is not null && i < other.History.Count && ReferenceEquals(other.History[i], y))
            {
                continue;
            }

            var year = PrefixPaths.Of(y.Year);
            Increment(year.PartnershipCount, sign);
            Increment(year.Gateway(y.Gateway), sign);
            AddDesignations(year, y.Designations, sign);
            AddTrends(year, y.OutcomeTrends, sign);
            AddGaps(year.Gaps, y.Gaps, sign);
        }
    }

    private void AddDesignations(PrefixPaths paths, IReadOnlyList<Designation> designations, int sign)
    {
        for (var i = 0; i < designations.Count; i++)
        {
            Increment(paths.Designation(designations[i]), sign);
        }
    }

    // One count per outcome: the direction of the first trend listed for it, or "not tracked".
    private void AddTrends(PrefixPaths paths, IReadOnlyList<OutcomeTrend> trends, int sign)
    {
        foreach (var o in Outcomes)
        {
            TrendDirection? direction = null;
            for (var i = 0; i < trends.Count; i++)
            {
                if (trends[i].Outcome == o)
                {
                    direction = trends[i].Direction;
                    break;
                }
            }

            Increment(paths.Trend(o, direction), sign);
        }
    }

    private static string TrendField(TrendDirection? d) => d switch
    {
        null => "not_tracked",
        TrendDirection.Improved => "improved",
        TrendDirection.Maintained => "maintained",
        TrendDirection.Worsened => "worsened",
        _ => "insufficient_data",
    };

    // The amounts for the five gap paths of a prefix, in GapPaths' order.
    private void AddGaps(string[] paths, GapChangeCounts c, int sign)
    {
        Increment(paths[0], sign * (long)c.Reduced);
        Increment(paths[1], sign * (long)c.Eliminated);
        Increment(paths[2], sign * (long)c.Unchanged);
        Increment(paths[3], sign * (long)c.Widened);
        Increment(paths[4], sign * (long)c.InsufficientData);
    }

    private static string[] GapPaths(string prefix) =>
        [$"{prefix}.reduced", $"{prefix}.eliminated", $"{prefix}.unchanged", $"{prefix}.widened", $"{prefix}.insufficient_data"];

    /// <summary>
    /// The count paths under one prefix (the network's, or one history year's), formatted once: every contribution
    /// names the same paths, and formatting them on every update was a large part of what a shard allocated.
    /// </summary>
    private sealed class PrefixPaths
    {
        // Years of history and catalog frameworks are few; past this many prefixes of a kind the paths are formatted
        // and not kept.
        private const int MaxHeld = 256;

        private static readonly ConcurrentDictionary<int, PrefixPaths> Years = new();
        private static readonly ConcurrentDictionary<string, PrefixPaths> Frameworks = new(StringComparer.Ordinal);
        private static readonly Dictionary<Outcome, string[]> GapsByOutcome =
            Outcomes.ToDictionary(o => o, o => GapPaths($"gaps_by_outcome[{o}]"));

        private readonly string _prefix;
        private readonly Dictionary<GatewayStage, string> _gateways;
        private readonly Dictionary<Designation, string> _designations;
        private readonly Dictionary<(Outcome, TrendDirection?), string> _trends;

        private PrefixPaths(string prefix)
        {
            _prefix = prefix;
            PartnershipCount = prefix + "partnership_count";
            _gateways = Stages.ToDictionary(st => st, st => $"{prefix}gateways[{st}]");
            _designations = AllDesignations.ToDictionary(d => d, d => $"{prefix}designations[{d}]");
            _trends = [];
            foreach (var o in Outcomes)
            {
                _trends[(o, null)] = $"{prefix}outcome_trends[{o}].{TrendField(null)}";
                foreach (var d in Enum.GetValues<TrendDirection>())
                {
                    _trends[(o, d)] = $"{prefix}outcome_trends[{o}].{TrendField(d)}";
                }
            }

            Gaps = GapPaths(prefix + "gaps");
        }

        public static PrefixPaths Network { get; } = new(string.Empty);

        public string PartnershipCount { get; }

        public string[] Gaps { get; }

        /// <summary>The paths of a history year (<c>history[2024].…</c>).</summary>
        public static PrefixPaths Of(int year) => Held(Years, year, static y => $"history[{y}].");

        /// <summary>The paths of a framework (<c>frameworks[toa-6g].…</c>; a contribution uses its count and gateways).</summary>
        public static PrefixPaths OfFramework(string id) => Held(Frameworks, id, static f => $"frameworks[{f}].");

        private static PrefixPaths Held<TKey>(ConcurrentDictionary<TKey, PrefixPaths> held, TKey key, Func<TKey, string> prefix)
            where TKey : notnull
        {
            if (held.TryGetValue(key, out var paths))
            {
                return paths;
            }

            paths = new PrefixPaths(prefix(key));
            return held.Count < MaxHeld ? held.GetOrAdd(key, paths) : paths;
        }

        public static string[] OutcomeGaps(Outcome outcome) =>
            GapsByOutcome.TryGetValue(outcome, out var paths) ? paths : GapPaths($"gaps_by_outcome[{outcome}]");

        // A value outside the enums (a stored state of a later build, say) is formatted as before, not refused.
        public string Gateway(GatewayStage stage) => _gateways.TryGetValue(stage, out var path) ? path : $"{_prefix}gateways[{stage}]";

        public string Designation(Designation designation) =>
            _designations.TryGetValue(designation, out var path) ? path : $"{_prefix}designations[{designation}]";

        public string Trend(Outcome outcome, TrendDirection? direction) =>
            _trends.TryGetValue((outcome, direction), out var path) ? path : $"{_prefix}outcome_trends[{outcome}].{TrendField(direction)}";
    }

    private int Get(string path) => (int)_counts.GetValueOrDefault(path);

    private IReadOnlyList<StageCount> StageCounts(PrefixPaths paths) => [.. Stages.Select(s => new StageCount(s, Get(paths.Gateway(s))))];

    private IReadOnlyList<DesignationCount> DesignationCounts(PrefixPaths paths) => [.. AllDesignations.Select(d => new DesignationCount(d, Get(paths.Designation(d))))];

    private IReadOnlyList<OutcomeTrendCount> TrendCounts(PrefixPaths paths) =>
        [.. Outcomes.Select(o => new OutcomeTrendCount(
            o,
            Get(paths.Trend(o, TrendDirection.Improved)),
            Get(paths.Trend(o, TrendDirection.Maintained)),
            Get(paths.Trend(o, TrendDirection.Worsened)),
            Get(paths.Trend(o, TrendDirection.InsufficientData)),
            Get(paths.Trend(o, null))))];

    // The five gap paths of a prefix, in GapPaths' order.
    private GapChangeCounts GapCounts(string[] paths) => new(Get(paths[0]), Get(paths[1]), Get(paths[2]), Get(paths[3]), Get(paths[4]));
}
