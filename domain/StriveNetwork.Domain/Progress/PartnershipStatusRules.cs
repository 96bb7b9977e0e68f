using System.Collections.Immutable;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>The combined trend of a partnership's core indicators for one outcome.</summary>
public sealed record OutcomeTrendStatus(Outcome Outcome, TrendDirection Direction);

/// <summary>Disparity counts of one outcome.</summary>
public sealed record OutcomeGapStatus(Outcome Outcome, GapCounts Counts);

/// <summary>A partnership's status as of the end of one year: shown gateway, standing designations, trends, gaps.</summary>
public sealed record PartnershipYearStatus(
    int Year,
    GatewayStage Gateway,
    IReadOnlyList<string> Designations,
    IReadOnlyList<OutcomeTrendStatus> OutcomeTrends,
    GapCounts Gaps);

/// <summary>
/// The partnership status rules that progress views, snapshots, cohort rollups and the network rollup share: one
/// implementation of stage, evidence, outcome trends, gap counts and the per-year replay. Pure; callers persist
/// and publish the results.
/// </summary>
public static class PartnershipStatusRules
{
    /// <summary>
    /// The designation evidence now (<paramref name="year"/> null) or as of the end of a year: indicator trends and
    /// gaps as of then, every example dated up to then, and the ledger as it stood then.
    /// </summary>
    public static DesignationEvidence Evidence(
        AssessmentHistory history,
        IEnumerable<IndicatorStatus> indicators,
        IEnumerable<SystemsChangeExample> examples,
        int? year,
        DesignationHistory? ledger = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(indicators);
        ArgumentNullException.ThrowIfNull(examples);
        var list = indicators.ToList();
        DateOnly? end = year is { } y ? new DateOnly(y, 12, 31) : null;
        var trends = list.Select(s => new IndicatorEvidence(s.IndicatorId, s.Outcome, s.Role == IndicatorRole.Core, s.TrendAsOf(year)));
        var gaps = list.SelectMany(s => s.GapsAsOf(year).Select(g => new GapEvidence(g.GapId, s.IndicatorId, s.Outcome, g.Change, g.FocalGroup)));
        var dated = examples.Where(e => end is null || e.Date <= end);
        var awards = ledger ?? DesignationHistory.Empty;
        return DesignationEvidence.Create(
            end is { } e1 ? history.AsOf(e1) : history, trends, gaps, dated, end is { } e2 ? awards.AsOf(e2) : awards, end);
    }

    /// <summary>Per outcome, the combined trend of its core indicators (outcomes without one are left out).</summary>
    public static IReadOnlyList<OutcomeTrendStatus> OutcomeTrends(IEnumerable<IndicatorStatus> indicators, int? year)
    {
        ArgumentNullException.ThrowIfNull(indicators);

        // One pass, counting per outcome what CombineTrends counts (every snapshot build runs this for every year).
        var tallies = new List<(Outcome Outcome, int Improved, int Worsened, int Judged)>(8);
        foreach (var s in indicators)
        {
            if (s.Role != IndicatorRole.Core)
            {
                continue;
            }

            var direction = s.TrendAsOf(year);
            var i = 0;
            while (i < tallies.Count && tallies[i].Outcome != s.Outcome)
            {
                i++;
            }

            if (i == tallies.Count)
            {
                tallies.Add((s.Outcome, 0, 0, 0));
            }

            var t = tallies[i];
            tallies[i] = (t.Outcome,
                t.Improved + (direction == TrendDirection.Improved ? 1 : 0),
                t.Worsened + (direction == TrendDirection.Worsened ? 1 : 0),
                t.Judged + (direction == TrendDirection.InsufficientData ? 0 : 1));
        }

        // Compared as enums, not through IComparable (which boxes both): this runs for every year of every snapshot build.
        tallies.Sort(static (a, b) => Comparer<Outcome>.Default.Compare(a.Outcome, b.Outcome));
        var statuses = new OutcomeTrendStatus[tallies.Count];
        for (var k = 0; k < statuses.Length; k++)
        {
            var t = tallies[k];
            statuses[k] = new OutcomeTrendStatus(t.Outcome, Combine(t.Improved, t.Worsened, t.Judged));
        }

        return statuses;
    }

    /// <summary>
    /// Several core indicators of one outcome: improved when some improved and none worsened, worsened in the mirror
    /// case, insufficient data when none could be judged, otherwise maintained.
    /// </summary>
    public static TrendDirection CombineTrends(IReadOnlyList<TrendDirection> directions)
    {
        ArgumentNullException.ThrowIfNull(directions);
        return Combine(
            directions.Count(d => d == TrendDirection.Improved),
            directions.Count(d => d == TrendDirection.Worsened),
            directions.Count(d => d != TrendDirection.InsufficientData));
    }

    // CombineTrends from its counts (judged: directions other than insufficient data).
    private static TrendDirection Combine(int improved, int worsened, int judged) =>
        judged == 0 ? TrendDirection.InsufficientData
        : improved > 0 && worsened == 0 ? TrendDirection.Improved
        : worsened > 0 && improved == 0 ? TrendDirection.Worsened
        : TrendDirection.Maintained;

    /// <summary>
    /// Disparities of core indicators by outcome, counted by <see cref="GapCounting"/> (one per indicator and focal
    /// group); outcomes with none are left out.
    /// </summary>
    public static IReadOnlyList<OutcomeGapStatus> GapCountsByOutcome(IEnumerable<IndicatorStatus> indicators, int? year)
    {
        ArgumentNullException.ThrowIfNull(indicators);
        var core = indicators.Where(s => s.Role == IndicatorRole.Core).ToList();
        if (core.TrueForAll(s => s.GapsAsOf(year).Count == 0))
        {
            return []; // no gap defined: every outcome counts none, and outcomes with none are left out
        }

        return [.. core
            .GroupBy(s => s.Outcome)
            .OrderBy(g => g.Key)
            .Select(g => new OutcomeGapStatus(g.Key, GapCounting.Count(
                g.SelectMany(s => s.GapsAsOf(year).Select(x => new GapEvidence(x.GapId, s.IndicatorId, s.Outcome, x.Change, x.FocalGroup))))))
            .Where(c => c.Counts.Total > 0)];
    }

    /// <summary>
    /// The status as of the end of one year: placement from the assessments up to then, the ledger as it stood then
    /// (standing designations, shown gateway by the sequence rule), trends and disparity counts as of then.
    /// </summary>
    public static PartnershipYearStatus Year(
        AssessmentHistory history, IReadOnlyList<IndicatorStatus> indicators, DesignationHistory ledger, int year)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(ledger);
        var end = new DateOnly(year, 12, 31);
        var placement = GatewayRules.Place(history.AsOf(end));
        var standing = ledger.AsOf(end);
        var shown = GatewaySequence.Shown(history.Framework, placement, standing);
        return WithIndicators(new PartnershipYearStatus(year, shown.Stage, standing.Standing(), [], GapCounts.Zero), indicators);
    }

    /// <summary>
    /// <paramref name="status"/> with the trends and disparity counts of <paramref name="indicators"/> as of its year,
    /// its placement and designations kept: those depend on the assessments and the ledger only, so a replay computed
    /// once for an assessment history serves every indicator change (<c>Replay(history, [], ledger, ...)</c>).
    /// </summary>
    public static PartnershipYearStatus WithIndicators(PartnershipYearStatus status, IReadOnlyList<IndicatorStatus> indicators)
    {
        ArgumentNullException.ThrowIfNull(status);
        return status with
        {
            OutcomeTrends = OutcomeTrends(indicators, status.Year),
            Gaps = GapCountsByOutcome(indicators, status.Year).Aggregate(GapCounts.Zero, (sum, o) => sum.Plus(o.Counts)),
        };
    }

    /// <summary>The per-year replay from <paramref name="firstYear"/> to <paramref name="lastYear"/> inclusive.</summary>
    public static ImmutableArray<PartnershipYearStatus> Replay(
        AssessmentHistory history, IReadOnlyList<IndicatorStatus> indicators, DesignationHistory ledger, int firstYear, int lastYear)
    {
        if (lastYear < firstYear)
        {
            throw new ArgumentOutOfRangeException(nameof(lastYear), $"The last year {lastYear} is before the first {firstYear}.");
        }

        return [.. Enumerable.Range(firstYear, lastYear - firstYear + 1).Select(y => Year(history, indicators, ledger, y))];
    }
}
