using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;
using Outcome = StriveNetwork.Domain.Indicators.Outcome;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>
/// Properties of the gateway sequence and the designation ledger over random partnerships and random sequences of
/// re-evaluations: the shown gateway never gets ahead of placement by benchmarks, and no designation is ever held
/// without its prerequisite.
/// </summary>
public sealed class DesignationLedgerPropertyTests
{
    public static TheoryData<string> FrameworkIds => [FrameworkCatalog.FiveGatewayId, FrameworkCatalog.SixGatewayId];

    /// <summary>One re-evaluation step: days since the previous one and the evidence then.</summary>
    public sealed record Step(int Days, DesignationEvidence Evidence);

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void ShownGateway_IsNeverLaterThanPlacementByBenchmarksAllows(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);
        var ids = framework.Designations.Definitions.Select(d => d.Id).ToArray();
        var gen =
            from met in Levels(framework)
            from standing in Gen.SubListOf(ids)
            select (Met: met, Standing: standing);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(200), Prop.ForAll(Arb.From(gen), c =>
        {
            var placement = GatewayRules.Place(framework, c.Met);
            var shown = GatewaySequence.Shown(framework, placement, c.Standing);
            return AllowedBySequence(framework, placement, shown, c.Standing);
        }));
    }

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void ADesignation_IsNeverHeldWithoutItsPrerequisite(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);

        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Arb.From(Gen.ListOf(StepGen(framework))), steps =>
        {
            var history = DesignationHistory.Empty;
            var date = Today.AddYears(-8);
            foreach (var step in steps)
            {
                date = date.AddDays(step.Days);
                var before = history;
                var reevaluation = DesignationLedger.Reevaluate(history, step.Evidence, date);
                history = reevaluation.History;
                if (!Holds(framework, before, reevaluation, step.Evidence, out var why))
                {
                    return false.Label($"{date:yyyy-MM-dd}: {why}");
                }
            }

            return true.ToProperty();
        }));
    }

    [Fact]
    public void StepGenerator_ReachesEveryDesignation()
    {
        // Guards the property above against a generator that never awards the later designations.
        var framework = SixGateway;
        var standing = new HashSet<string>();
        foreach (var steps in Gen.ListOf(StepGen(framework)).Sample(numberOfSamples: 60, seed: new Rnd(20261201UL), size: 40))
        {
            var history = DesignationHistory.Empty;
            var date = Today.AddYears(-8);
            foreach (var step in steps)
            {
                date = date.AddDays(step.Days);
                history = DesignationLedger.Reevaluate(history, step.Evidence, date).History;
                standing.UnionWith(history.Standing());
            }
        }

        Assert.Equal(["ongoing-proof-point", "proof-point", "systems-transformation"], standing.Order());
    }

    private static bool Holds(TheoryOfActionFramework framework, DesignationHistory before, DesignationReevaluation r, DesignationEvidence evidence, out string why)
    {
        var after = r.History;
        var standing = after.Standing();
        foreach (var id in standing)
        {
            var definition = framework.Designations.Find(id)!;
            foreach (var held in definition.Criteria.OfType<DesignationHeldCriterion>())
            {
                if (held.Standing && !held.DesignationIds.Any(after.IsStanding))
                {
                    why = $"{id} stands without a standing {string.Join("/", held.DesignationIds)}";
                    return false;
                }

                var award = after.Events.Last(e => e.DesignationId == id && e.Kind == DesignationEventKind.Awarded);
                var earlier = DesignationHistory.FromRecords(
                    after.Reevaluations.Where(d => d < award.Date), after.Events.Where(e => e.Date < award.Date));
                if (!held.DesignationIds.Any(earlier.WasAwarded))
                {
                    why = $"{id} was awarded on {award.Date} without an earlier {string.Join("/", held.DesignationIds)}";
                    return false;
                }
            }
        }

        foreach (var e in r.Events.Where(e => e.Grants))
        {
            if (!e.Evaluation.Met || e.Evaluation.Criteria.Any(c => c.IsPrerequisite && !c.Met))
            {
                why = $"{e.DesignationId} {e.Kind} without its criteria met";
                return false;
            }

            if (e.Kind == DesignationEventKind.Awarded == before.IsStanding(e.DesignationId))
            {
                why = $"{e.DesignationId} {e.Kind} although it {(before.IsStanding(e.DesignationId) ? "stood" : "did not stand")}";
                return false;
            }
        }

        var placement = GatewayRules.Place(evidence.Assessments);
        var shown = GatewaySequence.Shown(framework, placement, after);
        if (!AllowedBySequence(framework, placement, shown, standing))
        {
            why = $"shown {shown.Stage} with placement {placement.Current.Stage} and standing {string.Join(", ", standing)}";
            return false;
        }

        why = string.Empty;
        return true;
    }

    /// <summary>
    /// The shown gateway is placement, or a later gateway reached only through the last benchmark gateway and then
    /// one designation gateway at a time, each granted by a standing designation.
    /// </summary>
    private static bool AllowedBySequence(TheoryOfActionFramework framework, GatewayPlacement placement, ShownGateway shown, IReadOnlyCollection<string> standing)
    {
        if (shown.Gateway.Order < placement.Current.Order)
        {
            return false;
        }

        if (shown.Gateway.Order == placement.Current.Order)
        {
            return true;
        }

        var lastBenchmarkGateway = framework.Gateways.Where(g => g.Entry == GatewayEntry.Benchmarks).MaxBy(g => g.Order)!;
        return placement.Current.Id == lastBenchmarkGateway.Id
            && framework.Gateways.Where(g => g.Order > placement.Current.Order && g.Order <= shown.Gateway.Order)
                .All(g => g.Entry == GatewayEntry.Designation
                          && framework.Designations.Definitions.Any(d => d.GrantsGatewayId == g.Id && standing.Contains(d.Id)));
    }

    /// <summary>Met benchmarks at random "levels": all of the first k gateways, with a few dropped or added.</summary>
    private static Gen<HashSet<string>> Levels(TheoryOfActionFramework framework)
    {
        var ids = framework.Benchmarks.Select(b => b.Id).ToArray();
        return
            from k in Gen.Choose(0, framework.Gateways.Length)
            from drop in Gen.Elements(0, 0, 0, 1, 2)
            from extra in Gen.SubListOf(ids)
            let prefix = framework.Gateways.OrderBy(g => g.Order).Take(k).SelectMany(g => framework.BenchmarksIn(g.Id)).Select(b => b.Id).ToList()
            select prefix.Skip(drop).Concat(extra.Take(3)).ToHashSet(StringComparer.Ordinal);
    }

    private static Gen<Step> StepGen(TheoryOfActionFramework framework)
    {
        var seven = Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).ToArray();
        var indicators =
            from trend in Gen.Elements(TrendDirection.Improved, TrendDirection.Improved, TrendDirection.Maintained, TrendDirection.Worsened, TrendDirection.InsufficientData)
            from count in Gen.Choose(2, 7)
            from adjacent in Gen.Elements(TrendDirection.Improved, TrendDirection.Maintained)
            select seven.Take(count).Select(o => new IndicatorEvidence($"core-{o}", o, true, trend))
                .Append(new IndicatorEvidence("housing", Outcome.AdjacentSector, false, adjacent)).ToList();
        var gaps =
            from count in Gen.Choose(0, 5)
            from change in Gen.Elements(GapChange.Reduced, GapChange.Eliminated, GapChange.Widened)
            select Enumerable.Range(0, count).Select(i => new GapEvidence($"g{i}", $"ind-{i % 3}", seven[i % 3], change, $"all/group-{i}")).ToList();
        // Some steps meet everything a partnership can meet, so that later designations get awarded, and some lose
        // placement while keeping their results, so that prerequisites lapse under standing designations.
        var everything = framework.Benchmarks.Select(b => b.Id).ToHashSet(StringComparer.Ordinal);
        // Every benchmark but one Exploring benchmark: the results stay, placement by benchmarks falls to Exploring.
        var slipped = everything.Where(id => id != framework.BenchmarksIn("exploring").First().Id).ToHashSet(StringComparer.Ordinal);
        var strong = seven.Select(o => new IndicatorEvidence($"core-{o}", o, true, TrendDirection.Improved))
            .Append(new IndicatorEvidence("housing", Outcome.AdjacentSector, false, TrendDirection.Improved)).ToList();
        var closing = Enumerable.Range(0, 4).Select(i => new GapEvidence($"g{i}", $"ind-{i}", seven[i], GapChange.Reduced, $"all/group-{i}")).ToList();
        var evidence = Gen.OneOf(
            from met in Levels(framework) from ind in indicators from gap in gaps select (Met: met, Indicators: ind, Gaps: gap),
            from met in Levels(framework) from ind in indicators from gap in gaps select (Met: met, Indicators: ind, Gaps: gap),
            Gen.Constant((Met: everything, Indicators: strong, Gaps: closing)),
            Gen.Constant((Met: slipped, Indicators: strong, Gaps: closing)));
        return
            from days in Gen.Choose(60, 500)
            from e in evidence
            from exampleDays in Gen.ListOf(Gen.Choose(0, 3000))
            select new Step(days, DesignationEvidence.Create(
                Meeting(framework, e.Met), e.Indicators, e.Gaps,
                exampleDays.Take(3).Select((d, i) => new SystemsChangeExample($"ex-{d}-{i}", "example", Today.AddYears(-8).AddDays(d)))));
    }
}
