using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using Outcome = StriveNetwork.Domain.Indicators.Outcome;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>
/// The status rules every snapshot build runs per indicator and year are written as loops for speed; these properties
/// hold them to their plain definitions (group core indicators by outcome, combine, keep the last year up to a year).
/// </summary>
public sealed class StatusRulesDefinitionPropertyTests
{
    private static readonly Outcome[] Outcomes = Enum.GetValues<Outcome>();

    private static Gen<IndicatorStatus> Indicator =>
        from outcome in Gen.Elements(Outcomes)
        from role in Gen.Elements(IndicatorRole.Core, IndicatorRole.Core, IndicatorRole.Contributing)
        from trend in Gen.Elements(Enum.GetValues<TrendDirection>())
        from years in Gen.SubListOf(Enumerable.Range(2015, 10).ToArray())
        from directions in Gen.ArrayOf(Gen.Elements(Enum.GetValues<TrendDirection>()), years.Count)
        from gapChanges in Gen.ArrayOf(Gen.Elements(Enum.GetValues<GapChange>()), years.Count)
        from hasGap in Gen.Elements(false, false, true)
        let gaps = hasGap ? new[] { new GapStatus("g", "Black", GapChange.Reduced) } : []
        select new IndicatorStatus(
            "i", outcome, role, trend, gaps,
            [.. years.Select((y, i) => new IndicatorYearStatus(y, directions[i], hasGap ? [new GapStatus("g", "Black", gapChanges[i])] : []))]);

    private static Gen<(IndicatorStatus[] Indicators, int? Year)> Cases =>
        from count in Gen.Choose(0, 12)
        from indicators in Gen.ArrayOf(Indicator, count)
        from year in Gen.Elements<int?>(null, 2014, 2016, 2019, 2024, 2030)
        select (indicators.Select((s, i) => s with { IndicatorId = "i" + i }).ToArray(), year);

    [Fact]
    public void OutcomeTrends_AreTheCombinedTrendsOfCoreIndicatorsGroupedByOutcome()
    {
        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Cases), c =>
        {
            var expected = CoreByOutcome(c.Indicators)
                .Select(g => new OutcomeTrendStatus(g.Key, Combined([.. g.Select(s => s.TrendAsOf(c.Year))])));
            return PartnershipStatusRules.OutcomeTrends(c.Indicators, c.Year).SequenceEqual(expected);
        }));
    }

    [Fact]
    public void CombineTrends_IsItsDefinition() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Gen.ListOf(Gen.Elements(Enum.GetValues<TrendDirection>()))), directions =>
            PartnershipStatusRules.CombineTrends([.. directions]) == Combined([.. directions])));

    [Fact]
    public void GapCounts_CountTheDisparitiesOfCoreIndicatorsGroupedByOutcome()
    {
        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Cases), c =>
        {
            var expected = CoreByOutcome(c.Indicators)
                .Select(g => new OutcomeGapStatus(g.Key, GapCounting.Count(
                    g.SelectMany(s => s.GapsAsOf(c.Year).Select(x => new GapEvidence(x.GapId, s.IndicatorId, s.Outcome, x.Change, x.FocalGroup))))))
                .Where(o => o.Counts.Total > 0);
            return PartnershipStatusRules.GapCountsByOutcome(c.Indicators, c.Year).SequenceEqual(expected);
        }));
    }

    [Fact]
    public void AsOfAYear_AnIndicatorShowsItsLastYearUpToIt_OrInsufficientDataBefore()
    {
        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Cases), c => c.Indicators.All(s =>
        {
            var last = c.Year is { } y ? s.ByYear.LastOrDefault(x => x.Year <= y) : null;
            var trend = c.Year is null ? s.Trend : last?.Trend ?? TrendDirection.InsufficientData;
            var gaps = c.Year is null ? s.Gaps : last?.Gaps ?? [.. s.Gaps.Select(g => g with { Change = GapChange.InsufficientData })];
            return s.TrendAsOf(c.Year) == trend && s.GapsAsOf(c.Year).SequenceEqual(gaps);
        })));
    }

    // The plain definition's grouping: core indicators by outcome, in outcome order.
    private static IOrderedEnumerable<IGrouping<Outcome, IndicatorStatus>> CoreByOutcome(IEnumerable<IndicatorStatus> indicators) =>
        indicators.Where(s => s.Role == IndicatorRole.Core).GroupBy(s => s.Outcome).OrderBy(g => g.Key);

    // The rule as its documentation states it: improved when some improved and none worsened, worsened in the mirror
    // case, insufficient data when none could be judged, otherwise maintained.
    private static TrendDirection Combined(IReadOnlyList<TrendDirection> d) =>
        d.All(x => x == TrendDirection.InsufficientData) ? TrendDirection.InsufficientData
        : d.Contains(TrendDirection.Improved) && !d.Contains(TrendDirection.Worsened) ? TrendDirection.Improved
        : d.Contains(TrendDirection.Worsened) && !d.Contains(TrendDirection.Improved) ? TrendDirection.Worsened
        : TrendDirection.Maintained;
}
