using System.Collections.Immutable;
using System.Globalization;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>
/// Evaluates the designations of a framework (its <see cref="DesignationRules"/>) against one partnership's evidence.
/// Every answer lists each criterion with required, actual, met, the items that count and why. Insufficient data
/// never counts as met, and a designation is met exactly when all its criteria are.
/// </summary>
public static class DesignationEvaluator
{
    /// <summary>Evaluates every designation of the assessments' framework.</summary>
    public static ImmutableArray<DesignationResult> EvaluateAll(DesignationEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        evidence.Validate();
        var context = new Context(evidence);
        return evidence.Assessments.Framework.Designations.Definitions
            .Select(d => Evaluate(d, context))
            .ToImmutableArray();
    }

    /// <summary>Evaluates one designation of the assessments' framework by id.</summary>
    /// <exception cref="KeyNotFoundException">The framework has no such designation.</exception>
    public static DesignationResult Evaluate(string designationId, DesignationEvidence evidence)
    {
        ArgumentNullException.ThrowIfNull(evidence);
        evidence.Validate();
        var framework = evidence.Assessments.Framework;
        var definition = framework.Designations.Find(designationId)
            ?? throw new KeyNotFoundException($"Framework '{framework.Id}' has no designation '{designationId}'.");
        return Evaluate(definition, new Context(evidence));
    }

    private static DesignationResult Evaluate(DesignationDefinition definition, Context context)
    {
        var criteria = definition.Criteria.Select(c => EvaluateCriterion(c, context)).ToImmutableArray();
        var met = criteria.Length > 0 && criteria.All(c => c.Met);
        var failed = criteria.Where(c => !c.Met).Select(c => c.Name).ToList();
        var missing = criteria.FirstOrDefault(c => c.IsPrerequisite && !c.Met);
        var explanation = met
            ? $"{definition.Name}: met; all {criteria.Length} criteria are met."
            : (missing is null ? string.Empty : $"{definition.Name}: prerequisite missing: {missing.Explanation} ")
              + $"{definition.Name}: not met; {failed.Count} of {criteria.Length} criteria not met ({string.Join("; ", failed)}).";
        return new DesignationResult(definition.Id, definition.Name, definition.GrantsGatewayId, met, criteria, explanation);
    }

    private static CriterionResult EvaluateCriterion(DesignationCriterion criterion, Context context) => criterion switch
    {
        BenchmarksAcrossPillarsCriterion c => AcrossPillars(c, context),
        GatewayBenchmarksCriterion c => GatewayBenchmarks(c, context),
        InGatewayCriterion c => InGateway(c, context),
        DesignationHeldCriterion c => DesignationHeld(c, context),
        SystemsChangeExamplesCriterion c => Examples(c, context),
        CoreIndicatorOutcomesCriterion c => CoreIndicatorOutcomes(c, context),
        CoreIndicatorShareCriterion c => CoreIndicatorShare(c, context),
        DisparityGapsCriterion c => DisparityGaps(c, context),
        AdjacentSectorIndicatorsCriterion c => AdjacentSector(c, context),
        _ => throw new NotSupportedException($"Criterion type {criterion.GetType().Name} has no evaluation."),
    };

    private static CriterionResult AcrossPillars(BenchmarksAcrossPillarsCriterion c, Context context)
    {
        var framework = context.Framework;
        var gateway = framework.GetGateway(c.GatewayId);
        var metByPillar = framework.Pillars
            .Select(p => (Pillar: p, Met: framework.BenchmarksIn(gateway.Id)
                .Where(b => b.PillarId == p.Id && context.Met.Contains(b.Id)).Select(b => b.Id).ToList()))
            .ToList();
        var covered = metByPillar.Where(x => x.Met.Count >= c.MinimumPerPillar).ToList();
        var shortPillars = metByPillar.Where(x => x.Met.Count < c.MinimumPerPillar).ToList();
        var met = covered.Count >= c.PillarsRequired;
        var counted = metByPillar.SelectMany(x => x.Met).ToImmutableArray();

        var coveredText = covered.Count == 0
            ? "no pillar"
            : string.Join(", ", covered.Select(x => $"{x.Pillar.Name} ({string.Join(", ", x.Met)})"));
        var explanation =
            $"{gateway.Name} benchmarks met in {covered.Count} of {framework.Pillars.Length} pillars " +
            $"(at least {c.MinimumPerPillar} per pillar); {c.PillarsRequired} required. Covered: {coveredText}.";
        if (shortPillars.Count > 0)
        {
            explanation += $" Missing pillar(s): {string.Join(", ", shortPillars.Select(x => $"{x.Pillar.Name} ({x.Met.Count} met)"))}.";
        }

        return new CriterionResult(c.Name, c.Kind, "pillars", c.PillarsRequired, covered.Count, met,
            counted, explanation);
    }

    private static CriterionResult GatewayBenchmarks(GatewayBenchmarksCriterion c, Context context)
    {
        var framework = context.Framework;
        var gateway = framework.GetGateway(c.GatewayId);
        var all = framework.BenchmarksIn(gateway.Id).Select(b => b.Id).ToList();
        var required = c.Minimum ?? all.Count;
        var metIds = all.Where(context.Met.Contains).ToImmutableArray();
        var notMet = all.Where(id => !context.Met.Contains(id)).ToList();
        var threshold = c.Minimum is null ? $"all {all.Count}" : $"at least {required} of {all.Count}";
        var explanation = $"{metIds.Length} of {all.Count} {gateway.Name} benchmarks met; {threshold} required.";
        if (notMet.Count > 0)
        {
            explanation += $" Not met: {string.Join(", ", notMet)}.";
        }

        return new CriterionResult(c.Name, c.Kind, "benchmarks", required, metIds.Length,
            metIds.Length >= required, metIds, explanation);
    }

    private static CriterionResult InGateway(InGatewayCriterion c, Context context)
    {
        var framework = context.Framework;
        var gateway = framework.GetGateway(c.GatewayId);
        var earlier = context.Placement.Gateways
            .Where(p => p.Gateway.Entry == GatewayEntry.Benchmarks && p.Gateway.Order < gateway.Order)
            .ToList();
        var metIds = earlier.SelectMany(p => p.Pillars).SelectMany(p => p.Met).ToImmutableArray();
        var notMet = earlier.SelectMany(p => p.Pillars).SelectMany(p => p.NotMet).ToList();
        var required = earlier.Sum(p => p.Required);
        var met = context.Placement.Current.Order >= gateway.Order;
        var explanation = met
            ? $"Placed in {context.Placement.Current.Name}: every benchmark of the {earlier.Count} gateway(s) before {gateway.Name} is met."
            : $"Placed in {context.Placement.Current.Name}, not {gateway.Name}: {notMet.Count} earlier benchmark(s) not met ({string.Join(", ", notMet)}).";
        return new CriterionResult(c.Name, c.Kind, "benchmarks", required, metIds.Length, met, metIds, explanation);
    }

    private static CriterionResult DesignationHeld(DesignationHeldCriterion c, Context context)
    {
        var framework = context.Framework;
        var awards = context.Awards;
        var names = c.DesignationIds.Select(id => framework.Designations.Find(id)?.Name ?? id).ToList();
        var holding = c.DesignationIds
            .Where(id => c.Standing ? awards.IsStanding(id) : awards.WasAwarded(id))
            .ToImmutableArray();
        var met = holding.Length > 0;
        var what = c.Standing ? "standing" : "awarded before";
        var explanation = met
            ? $"{string.Join(", ", holding.Select(id => framework.Designations.Find(id)?.Name ?? id))} {what}."
            : c.Standing
                ? $"No standing {string.Join(" or ", names)}: it must be awarded in an earlier re-evaluation and not have lapsed."
                : $"No {string.Join(" or ", names)} awarded before: it must be awarded in an earlier re-evaluation.";
        return new CriterionResult(c.Name, c.Kind, "designations", 1, holding.Length, met, holding, explanation);
    }

    private static CriterionResult Examples(SystemsChangeExamplesCriterion c, Context context)
    {
        var asOf = context.Evidence.EvaluatedOn;
        var examples = context.Evidence.SystemsChangeExamples.Where(e => asOf is null || e.Date <= asOf).ToList();
        var after = c.RecordedAfterAwardOf.IsDefaultOrEmpty ? null : context.Awards.LatestGrant(c.RecordedAfterAwardOf);
        var counted = after is { } award ? examples.Where(e => e.Date > award).ToList() : examples;
        var ids = counted.Select(e => e.Id).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var scope = after is { } since
            ? $" after the award of {since:yyyy-MM-dd} ({examples.Count - counted.Count} earlier one(s) not additional)"
            : c.RecordedAfterAwardOf.IsDefaultOrEmpty ? string.Empty : " (no earlier award to count from)";
        var explanation = $"{ids.Length} systems-change example(s) recorded{scope}; at least {c.Minimum} required.";
        return new CriterionResult(c.Name, c.Kind, "examples", c.Minimum, ids.Length,
            ids.Length >= c.Minimum, ids, explanation);
    }

    private static CriterionResult CoreIndicatorOutcomes(CoreIndicatorOutcomesCriterion c, Context context)
    {
        var qualifying = context.Evidence.Indicators
            .Where(i => i.IsCore && CradleToCareerOutcomes.IsOneOfTheSeven(i.Outcome) && c.Trends.Contains(i.Trend))
            .ToList();
        var ids = qualifying.Select(i => i.IndicatorId).Distinct(StringComparer.Ordinal).ToImmutableArray();
        var outcomes = qualifying.Select(i => i.Outcome).Distinct().Order().ToList();
        var actual = c.DistinctOutcomes ? outcomes.Count : ids.Length;
        var unit = c.DistinctOutcomes ? "outcomes" : "indicators";
        var trends = string.Join(" or ", c.Trends);
        var explanation =
            $"{ids.Length} core indicator(s) {trends} covering {outcomes.Count} of the seven outcomes" +
            (outcomes.Count > 0 ? $" ({string.Join(", ", outcomes)})" : string.Empty) +
            $"; at least {c.Minimum} {(c.DistinctOutcomes ? "distinct outcomes" : "indicators")} required." +
            InsufficientNote(context.Evidence.Indicators.Count(i => i.IsCore && i.Trend == TrendDirection.InsufficientData));
        return new CriterionResult(c.Name, c.Kind, unit, c.Minimum, actual, actual >= c.Minimum,
            ids, explanation);
    }

    private static CriterionResult CoreIndicatorShare(CoreIndicatorShareCriterion c, Context context)
    {
        // "Core indicators" are those of the seven outcomes: an adjacent-sector indicator never enters the share.
        var core = context.Evidence.Indicators.Where(i => i.IsCore && CradleToCareerOutcomes.IsOneOfTheSeven(i.Outcome))
            .GroupBy(i => i.IndicatorId, StringComparer.Ordinal)
            .Select(g => g.Last())
            .ToList();
        var qualifying = core.Where(i => c.Trends.Contains(i.Trend)).Select(i => i.IndicatorId).ToImmutableArray();

        // Decimal keeps 60% of 5 at exactly 3; with doubles it rounds up to 4.
        var required = Math.Max(1, (int)Math.Ceiling(c.MinimumPercent * core.Count / 100m));
        var met = core.Count > 0 && qualifying.Length >= required;
        var share = core.Count == 0 ? 0m : 100m * qualifying.Length / core.Count;
        var explanation = core.Count == 0
            ? "No core indicators reported; the share cannot be met."
            : $"{qualifying.Length} of {core.Count} core indicators of the seven outcomes {string.Join(" or ", c.Trends)} " +
              $"({share.ToString("0.0", CultureInfo.InvariantCulture)}%); at least " +
              $"{c.MinimumPercent.ToString(CultureInfo.InvariantCulture)}% ({required}) required." +
              InsufficientNote(core.Count(i => i.Trend == TrendDirection.InsufficientData));
        return new CriterionResult(c.Name, c.Kind, "indicators", required, qualifying.Length, met,
            qualifying, explanation);
    }

    private static CriterionResult DisparityGaps(DisparityGapsCriterion c, Context context)
    {
        // One disparity per indicator and focal group, however many reference definitions it has (GapCounting).
        var disparities = GapCounting.Disparities(context.Evidence.Gaps.Where(g => CradleToCareerOutcomes.IsOneOfTheSeven(g.Outcome)));
        var qualifying = disparities.Where(d => c.Changes.Contains(d.Change)).ToList();
        var ids = qualifying.Select(d => d.Id).ToImmutableArray();
        var outcomes = qualifying.Select(d => d.Outcome).Distinct().Order().ToList();
        var actual = c.DistinctOutcomes ? outcomes.Count : ids.Length;
        var merged = disparities.Count(d => d.GapIds.Length > 1);
        var explanation =
            $"{ids.Length} disparity gap(s) of the seven outcomes {string.Join(" or ", c.Changes)}" +
            (outcomes.Count > 0 ? $" (outcomes: {string.Join(", ", outcomes)})" : string.Empty) +
            $"; at least {c.Minimum} {(c.DistinctOutcomes ? "distinct outcomes" : "gaps")} required." +
            (merged > 0 ? $" {merged} focal group(s) with several reference definitions counted once." : string.Empty) +
            InsufficientNote(disparities.Count(d => d.Change == GapChange.InsufficientData));
        return new CriterionResult(c.Name, c.Kind, c.DistinctOutcomes ? "outcomes" : "gaps", c.Minimum, actual,
            actual >= c.Minimum, ids, explanation);
    }

    private static CriterionResult AdjacentSector(AdjacentSectorIndicatorsCriterion c, Context context)
    {
        var ids = context.Evidence.Indicators
            .Where(i => i.Outcome == Outcome.AdjacentSector && c.Trends.Contains(i.Trend))
            .Select(i => i.IndicatorId)
            .Distinct(StringComparer.Ordinal)
            .ToImmutableArray();
        var explanation =
            $"{ids.Length} adjacent-sector outcome indicator(s) {string.Join(" or ", c.Trends)}; at least {c.Minimum} required." +
            InsufficientNote(context.Evidence.Indicators.Count(
                i => i.Outcome == Outcome.AdjacentSector && i.Trend == TrendDirection.InsufficientData));
        return new CriterionResult(c.Name, c.Kind, "indicators", c.Minimum, ids.Length,
            ids.Length >= c.Minimum, ids, explanation);
    }

    private static string InsufficientNote(int count) =>
        count == 0 ? string.Empty : $" {count} with insufficient data not counted.";

    private sealed class Context(DesignationEvidence evidence)
    {
        private GatewayPlacement? _placement;

        public DesignationEvidence Evidence { get; } = evidence;

        public TheoryOfActionFramework Framework => Evidence.Assessments.Framework;

        public ImmutableHashSet<string> Met { get; } = evidence.Assessments.MetBenchmarkIds();

        public DesignationHistory Awards { get; } = evidence.EvaluatedOn is { } on ? evidence.Awards.AsOf(on) : evidence.Awards;

        public GatewayPlacement Placement => _placement ??= GatewayRules.Place(Framework, Met);
    }
}
