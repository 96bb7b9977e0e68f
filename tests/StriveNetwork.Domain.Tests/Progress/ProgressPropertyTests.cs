using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;
using Outcome = StriveNetwork.Domain.Indicators.Outcome;

namespace StriveNetwork.Domain.Tests.Progress;

public sealed class ProgressPropertyTests
{
    public static TheoryData<string> FrameworkIds => [FrameworkCatalog.FiveGatewayId, FrameworkCatalog.SixGatewayId];

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void MeetingMoreBenchmarks_NeverMovesToAnEarlierGateway(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);
        var gen =
            from some in MetSubsets(framework)
            from more in Gen.SubListOf(framework.Benchmarks.Select(b => b.Id).ToArray())
            select (Some: some, More: some.Union(more).ToHashSet(StringComparer.Ordinal));

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(gen), pair =>
            GatewayRules.Place(framework, pair.Some).Current.Order <= GatewayRules.Place(framework, pair.More).Current.Order));
    }

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void Placement_NeverExceedsSystemsChange_AndMissingIdsAreNotMet(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(MetSubsets(framework)), met =>
        {
            var placement = GatewayRules.Place(framework, met);
            return placement.Current.Stage <= GatewayStage.SystemsChange
                   && placement.Current.Entry == GatewayEntry.Benchmarks
                   && placement.MissingForNext.All(id => !met.Contains(id))
                   && placement.Gateways.Where(g => g.Gateway.Order < placement.Current.Order).All(g => g.Complete);
        }));
    }

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void Designation_IsMetExactlyWhenAllItsCriteriaAre(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Evidence(framework)), evidence =>
            DesignationEvaluator.EvaluateAll(evidence).All(r =>
                r.Met == r.Criteria.All(c => c.Met)
                && r.Criteria.Count == framework.Designations.Find(r.DesignationId)!.Criteria.Length
                && r.Criteria.All(c => c.Met == (c.Actual >= c.Required)))));
    }

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void AddingInsufficientData_NeverCountsTowardAnyCriterion(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);

        Check.QuickThrowOnFailure(Prop.ForAll(Arb.From(Evidence(framework)), evidence =>
        {
            var padded = evidence with
            {
                Indicators = evidence.Indicators.AddRange(evidence.Indicators.Select(i =>
                    i with { IndicatorId = i.IndicatorId + "-unknown", Trend = TrendDirection.InsufficientData })),
                Gaps = evidence.Gaps.AddRange(evidence.Gaps.Select(g =>
                    g with { GapId = g.GapId + "-unknown", Change = GapChange.InsufficientData })),
            };
            var before = DesignationEvaluator.EvaluateAll(evidence);
            var after = DesignationEvaluator.EvaluateAll(padded);

            // Counts never grow and nothing turns met; the share rule may only get harder (its denominator grows).
            return before.Zip(after).All(p => (p.First.Met || !p.Second.Met)
                && p.First.Criteria.Zip(p.Second.Criteria).All(c =>
                    c.First.Actual == c.Second.Actual && (c.First.Met || !c.Second.Met)));
        }));
    }

    [Theory]
    [MemberData(nameof(FrameworkIds))]
    public void Generators_ReachSystemsChangeAndMetDesignations(string frameworkId)
    {
        // Guards the properties above against vacuous generators that never complete a gateway. FsCheck's Sample takes
        // the number of samples first and the size second: this drew 50 samples of size 600 (not 600 of size 50), and a
        // met designation, about 7.5 % of samples under either framework (measured over 20,000 at size 50), was absent
        // from all 50 now and then. 600 samples of size 50 miss a case of rate p >= 7.5 % with probability
        // (1 - p)^600 < 1e-20, whatever the seed; the fixed seed makes the samples the same on every run besides, so the
        // check cannot flicker, and a change to the generators that loses a case fails every run, not now and then.
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);
        var samples = Evidence(framework).Sample(600, new Rnd(20261201UL), 50);

        Assert.Contains(samples, e => GatewayRules.Place(e.Assessments).Current.Stage == GatewayStage.SystemsChange);
        Assert.Contains(samples, e => DesignationEvaluator.EvaluateAll(e).Any(r => r.Met));
        Assert.Contains(samples, e => DesignationEvaluator.EvaluateAll(e).Any(r => !r.Met));
    }

    private static Gen<HashSet<string>> MetSubsets(TheoryOfActionFramework framework)
    {
        var ids = framework.Benchmarks.Select(b => b.Id).ToArray();

        // Pure random subsets almost never complete a gateway; mixing in "all of the first k gateways" reaches the
        // later gateways too.
        var prefixes =
            from k in Gen.Choose(0, framework.Gateways.Length)
            from drop in Gen.SubListOf(ids)
            from keepAll in Gen.Elements(true, false)
            select framework.Gateways.Take(k).SelectMany(g => framework.BenchmarksIn(g.Id)).Select(b => b.Id)
                .Where(id => keepAll || !drop.Take(2).Contains(id))
                .ToHashSet(StringComparer.Ordinal);
        var random = Gen.SubListOf(ids).Select(s => s.ToHashSet(StringComparer.Ordinal));
        return Gen.OneOf(prefixes, random);
    }

    private static Gen<DesignationEvidence> Evidence(TheoryOfActionFramework framework)
    {
        var outcomes = Enum.GetValues<Outcome>();

        // Uniform trends almost never reach a 60 % share; a per-sample bias toward Improved covers both answers.
        Gen<IndicatorEvidence> Indicator(int improvedBias) =>
            from n in Gen.Choose(0, 20)
            from outcome in Gen.Elements(outcomes)
            from isCore in Gen.Elements(true, false)
            from trend in Gen.OneOf(Enumerable.Repeat(Gen.Constant(TrendDirection.Improved), improvedBias)
                .Append(Gen.Elements(Enum.GetValues<TrendDirection>())))
            select new IndicatorEvidence($"ind-{n}", outcome, isCore, trend);
        var gap =
            from n in Gen.Choose(0, 20)
            from outcome in Gen.Elements(outcomes)
            from change in Gen.Elements(Enum.GetValues<GapChange>())
            select new GapEvidence($"gap-{n}", $"ind-{n}", outcome, change);
        var example =
            from n in Gen.Choose(0, 3)
            select new SystemsChangeExample($"ex-{n}", "example", Today);
        return
            from met in MetSubsets(framework)
            from bias in Gen.Choose(0, 4)
            from indicators in Gen.ListOf(Indicator(bias))
            from gaps in Gen.ListOf(gap)
            from examples in Gen.ListOf(example)
            select DesignationEvidence.Create(Meeting(framework, met), indicators, gaps, examples);
    }
}
