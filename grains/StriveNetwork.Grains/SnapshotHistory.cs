using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>
/// Builds a partnership snapshot's history (each replayed year with the indicators' trends and disparity counts as of
/// it), one build after another. A year is taken from the last build when that build used the same replay and every
/// indicator that changed since reads the same as of that year: an indicator write usually moves its latest years
/// only. A year taken is equal by value to the one a build from nothing gives, and being the same object it is also
/// left out of <see cref="RollupCounter.Change"/>. Not thread-safe: one per activation.
/// </summary>
internal sealed class SnapshotHistory
{
    private Built? _last;

    /// <summary>The history of <paramref name="replay"/> (years without indicators) with <paramref name="indicators"/> (ordered by id).</summary>
    public IReadOnlyList<YearStatus> Build(IReadOnlyList<PartnershipYearStatus> replay, IReadOnlyList<IndicatorStatus> indicators)
    {
        ArgumentNullException.ThrowIfNull(replay);
        ArgumentNullException.ThrowIfNull(indicators);
        var held = _last is { } last && ReferenceEquals(last.Replay, replay) && last.Indicators.Count == indicators.Count ? last : null;
        var changed = new List<int>();
        for (var i = 0; held is not null && i < indicators.Count; i++)
        {
            var before = held.Indicators[i];
            var after = indicators[i];
            if (ReferenceEquals(before, after))
            {
                continue;
            }

            if (!string.Equals(before.IndicatorId, after.IndicatorId, StringComparison.Ordinal) || before.Outcome != after.Outcome || before.Role != after.Role)
            {
                held = null; // another set of indicators: every year is built again
                break;
            }

            changed.Add(i);
        }

        var years = new List<YearStatus>(replay.Count);
        for (var n = 0; n < replay.Count; n++)
        {
            years.Add(held is not null && ReadTheSame(held.Indicators, indicators, changed, replay[n].Year)
                ? held.Years[n]
                : Year(replay[n], indicators));
        }

        _last = new Built(replay, indicators, years);
        return years;
    }

    /// <summary>One year built from nothing.</summary>
    public static YearStatus Year(PartnershipYearStatus replayed, IReadOnlyList<IndicatorStatus> indicators)
    {
        var y = PartnershipStatusRules.WithIndicators(replayed, indicators);
        return new YearStatus(
            y.Year,
            y.Gateway,
            PartnershipRules.ToDesignations(y.Designations),
            [.. y.OutcomeTrends.Select(o => new OutcomeTrend(o.Outcome, o.Direction))],
            PartnershipRules.ToCounts(y.Gaps));
    }

    // Whether every changed indicator reads as before as of the year.
    private static bool ReadTheSame(IReadOnlyList<IndicatorStatus> before, IReadOnlyList<IndicatorStatus> after, List<int> changed, int year)
    {
        foreach (var i in changed)
        {
            if (!ReadsTheSame(before[i], after[i], year))
            {
                return false;
            }
        }

        return true;
    }

    // Everything WithIndicators reads of one indicator as of a year (its id, outcome and role are compared apart).
    private static bool ReadsTheSame(IndicatorStatus before, IndicatorStatus after, int year)
    {
        if (before.TrendAsOf(year) != after.TrendAsOf(year))
        {
            return false;
        }

        var a = before.GapsAsOf(year);
        var b = after.GapsAsOf(year);
        if (a.Count != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Count; i++)
        {
            if (a[i] != b[i])
            {
                return false;
            }
        }

        return true;
    }

    private sealed record Built(IReadOnlyList<PartnershipYearStatus> Replay, IReadOnlyList<IndicatorStatus> Indicators, IReadOnlyList<YearStatus> Years);
}
