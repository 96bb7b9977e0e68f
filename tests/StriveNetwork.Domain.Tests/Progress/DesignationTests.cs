using System.Collections.Immutable;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;

namespace StriveNetwork.Domain.Tests.Progress;

public sealed class DesignationTests
{
    private static readonly string[] SystemsChangeOnePerPillar = ["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1"];

    private static readonly DateOnly AwardDate = Today.AddYears(-1);

    /// <summary>Placed in Systems Change (every earlier benchmark met) plus one Systems Change benchmark per pillar.</summary>
    private static AssessmentHistory ProofPointBenchmarks => Meeting(SixGateway, ThroughSustaining(SixGateway).Concat(SystemsChangeOnePerPillar));

    // --- Proof Point (seed 002) ---

    [Fact]
    public void ProofPoint_ThreeSystemsChangeBenchmarksInThreePillars_IsNotMet_AndNamesTheMissingPillar()
    {
        // Seed 002: "meets four benchmarks in the systems change gateway across four pillars".
        var history = Meeting(SixGateway, ThroughSustaining(SixGateway).Concat(["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1"]));

        var result = Evaluate("proof-point", history, CoreIndicators(4, TrendDirection.Improved));

        Assert.False(result.Met);
        Assert.True(Criterion(result, CriterionKind.InGateway).Met);
        var pillars = Criterion(result, CriterionKind.BenchmarksAcrossPillars);
        Assert.False(pillars.Met);
        Assert.Equal((4, 3), (pillars.Required, pillars.Actual));
        Assert.Equal(["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1"], pillars.CountedItems);
        Assert.Contains("Missing pillar(s): Investment & Sustainability (0 met)", pillars.Explanation, StringComparison.Ordinal);
        Assert.True(Criterion(result, CriterionKind.CoreIndicatorOutcomes).Met);
        Assert.Contains("(a) Systems Change benchmarks across pillars", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void ProofPoint_OnePerPillarAndFourOutcomes_IsMet()
    {
        var result = Evaluate("proof-point", ProofPointBenchmarks, CoreIndicators(4, TrendDirection.Maintained));

        Assert.True(result.Met, result.Explanation);
        Assert.All(result.Criteria, c => Assert.True(c.Met));
        Assert.Equal("proof-point", result.GrantsGatewayId);
    }

    [Fact]
    public void ProofPoint_FourBenchmarksInOnlyTwoPillars_IsNotMet()
    {
        var history = Meeting(SixGateway, ["6G-SC-CA-1", "6G-SC-CA-2", "6G-SC-CA-3", "6G-SC-IS-1"]);

        var pillars = Criterion(Evaluate("proof-point", history, CoreIndicators(4, TrendDirection.Improved)), CriterionKind.BenchmarksAcrossPillars);

        Assert.False(pillars.Met);
        Assert.Equal(2, pillars.Actual);
        Assert.Contains("Shared Community Vision (0 met)", pillars.Explanation, StringComparison.Ordinal);
        Assert.Contains("Evidence-Based Decision Making (0 met)", pillars.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void ProofPoint_SystemsTransformationBenchmarksDoNotCountForSystemsChangePillars()
    {
        var history = Meeting(SixGateway, ["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-ST-IS-1"]);

        Assert.False(Evaluate("proof-point", history, CoreIndicators(4, TrendDirection.Improved)).Met);
    }

    [Fact]
    public void ProofPoint_FourCoreIndicatorsOfOneOutcome_CountAsOneOutcome()
    {
        var indicators = Enumerable.Range(1, 4)
            .Select(i => new IndicatorEvidence($"reading-{i}", Outcome.EarlyGradeReading, true, TrendDirection.Improved));

        var outcomes = Criterion(Evaluate("proof-point", ProofPointBenchmarks, indicators), CriterionKind.CoreIndicatorOutcomes);

        Assert.False(outcomes.Met);
        Assert.Equal((4, 1), (outcomes.Required, outcomes.Actual));
        Assert.Equal("outcomes", outcomes.Unit);
        Assert.Equal(4, outcomes.CountedItems.Count);
    }

    [Fact]
    public void ProofPoint_InsufficientDataWorsenedAndContributingIndicators_NeverCount()
    {
        IndicatorEvidence[] indicators =
        [
            new("k", Outcome.KindergartenReadiness, true, TrendDirection.Improved),
            new("r", Outcome.EarlyGradeReading, true, TrendDirection.Maintained),
            new("m", Outcome.MiddleGradeMath, true, TrendDirection.Improved),
            new("g", Outcome.HighSchoolGraduation, true, TrendDirection.InsufficientData),
            new("e", Outcome.PostsecondaryEnrollment, true, TrendDirection.Worsened),
            new("c", Outcome.PostsecondaryCompletion, false, TrendDirection.Improved),
            new("h", Outcome.AdjacentSector, true, TrendDirection.Improved),
        ];

        var outcomes = Criterion(Evaluate("proof-point", ProofPointBenchmarks, indicators), CriterionKind.CoreIndicatorOutcomes);

        Assert.False(outcomes.Met);
        Assert.Equal(3, outcomes.Actual);
        Assert.Equal(["k", "r", "m"], outcomes.CountedItems);
        Assert.Contains("1 with insufficient data not counted", outcomes.Explanation, StringComparison.Ordinal);
    }

    // --- Ongoing Proof Point ---

    [Fact]
    public void OngoingProofPoint_AllCriteriaMet_IsMet()
    {
        var history = Meeting(SixGateway, ThroughSustaining(SixGateway));

        var result = Evaluate("ongoing-proof-point", history, CoreIndicators(4, TrendDirection.Maintained),
            [Gap("g1", Outcome.EarlyGradeReading, GapChange.Reduced), Gap("g2", Outcome.EarlyGradeReading, GapChange.Eliminated)],
            [Example("policy-1")], ProofPointAwarded());

        Assert.True(result.Met, result.Explanation);
        Assert.Equal(5, result.Criteria.Count);
        Assert.Equal(["ind-EarlyGradeReading/g1", "ind-EarlyGradeReading/g2"], Criterion(result, CriterionKind.DisparityGaps).CountedItems);
    }

    [Fact]
    public void OngoingProofPoint_SameGapIdOnTwoIndicators_CountsTwice()
    {
        var history = Meeting(SixGateway, ThroughSustaining(SixGateway));
        GapEvidence[] gaps =
        [
            new("black-vs-white", "kindergarten-readiness", Outcome.KindergartenReadiness, GapChange.Reduced),
            new("black-vs-white", "hs-graduation", Outcome.HighSchoolGraduation, GapChange.Reduced),
        ];

        var result = Evaluate("ongoing-proof-point", history, CoreIndicators(4, TrendDirection.Maintained), gaps, [Example("policy-1")], ProofPointAwarded());

        Assert.True(result.Met, result.Explanation);
        Assert.Equal(["kindergarten-readiness/black-vs-white", "hs-graduation/black-vs-white"], Criterion(result, CriterionKind.DisparityGaps).CountedItems);
    }

    [Fact]
    public void OngoingProofPoint_NotInSystemsChangeGateway_ListsTheMissingBenchmarks()
    {
        var history = Meeting(SixGateway, ThroughSustaining(SixGateway).Where(id => id != "6G-SUS-IS-2"));

        var result = Evaluate("ongoing-proof-point", history, CoreIndicators(7, TrendDirection.Improved),
            [Gap("g1", Outcome.EarlyGradeReading, GapChange.Reduced), Gap("g2", Outcome.MiddleGradeMath, GapChange.Reduced)],
            [Example("policy-1")], ProofPointAwarded());

        Assert.False(result.Met);
        var inGateway = Criterion(result, CriterionKind.InGateway);
        Assert.False(inGateway.Met);
        Assert.Equal((24, 23), (inGateway.Required, inGateway.Actual));
        Assert.Contains("Placed in Sustaining, not Systems Change", inGateway.Explanation, StringComparison.Ordinal);
        Assert.Contains("6G-SUS-IS-2", inGateway.Explanation, StringComparison.Ordinal);
        Assert.All(result.Criteria.Where(c => c.Kind != CriterionKind.InGateway), c => Assert.True(c.Met));
        Assert.Contains("prerequisite missing", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void OngoingProofPoint_WithoutAdditionalExamples_IsNotMet()
    {
        var result = Evaluate("ongoing-proof-point", Meeting(SixGateway, ThroughSustaining(SixGateway)),
            CoreIndicators(4, TrendDirection.Improved),
            [Gap("g1", Outcome.EarlyGradeReading, GapChange.Reduced), Gap("g2", Outcome.MiddleGradeMath, GapChange.Reduced)],
            awards: ProofPointAwarded());

        Assert.False(result.Met);
        var examples = Criterion(result, CriterionKind.SystemsChangeExamples);
        Assert.Equal((1, 0, false), (examples.Required, examples.Actual, examples.Met));
    }

    [Fact]
    public void OngoingProofPoint_WidenedUnchangedInsufficientAndAdjacentSectorGaps_DoNotCount()
    {
        GapEvidence[] gaps =
        [
            Gap("reduced", Outcome.EarlyGradeReading, GapChange.Reduced),
            Gap("widened", Outcome.EarlyGradeReading, GapChange.Widened),
            Gap("unchanged", Outcome.MiddleGradeMath, GapChange.Unchanged),
            Gap("unknown", Outcome.MiddleGradeMath, GapChange.InsufficientData),
            Gap("housing", Outcome.AdjacentSector, GapChange.Eliminated),
        ];

        var result = Evaluate("ongoing-proof-point", Meeting(SixGateway, ThroughSustaining(SixGateway)),
            CoreIndicators(4, TrendDirection.Improved), gaps, [Example("x")], ProofPointAwarded());

        var gapCriterion = Criterion(result, CriterionKind.DisparityGaps);
        Assert.False(gapCriterion.Met);
        Assert.Equal(["ind-EarlyGradeReading/reduced"], gapCriterion.CountedItems);
        Assert.Contains("1 with insufficient data not counted", gapCriterion.Explanation, StringComparison.Ordinal);
        Assert.False(result.Met);
    }

    // --- Systems Transformation ---

    [Fact]
    public void SystemsTransformation_AllCriteriaMet_IsMet()
    {
        var result = Evaluate("systems-transformation", Meeting(SixGateway, AllOf(SixGateway, "systems-transformation")),
            CoreIndicators(4, TrendDirection.Improved).Append(Adjacent("housing", TrendDirection.Improved)),
            FourReducedGaps(), awards: ProofPointAwarded());

        Assert.True(result.Met, result.Explanation);
        Assert.Equal("systems-transformation", result.GrantsGatewayId);
        Assert.Equal(9, Criterion(result, CriterionKind.GatewayBenchmarks).Required);
    }

    [Fact]
    public void SystemsTransformation_DefaultThresholdIsEveryBenchmark()
    {
        var history = Meeting(SixGateway, AllOf(SixGateway, "systems-transformation").Skip(1));

        var threshold = Criterion(Evaluate("systems-transformation", history), CriterionKind.GatewayBenchmarks);

        Assert.False(threshold.Met);
        Assert.Equal((9, 8), (threshold.Required, threshold.Actual));
        Assert.Contains("all 9 required", threshold.Explanation, StringComparison.Ordinal);
        Assert.Contains("Not met: 6G-ST-SCV-1", threshold.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemsTransformation_ConfiguredThreshold_IsHonoured()
    {
        var definition = SixGateway.Designations.Find("systems-transformation")!;
        var threshold = definition.Criteria.OfType<GatewayBenchmarksCriterion>().Single();
        var lowered = definition with { Criteria = definition.Criteria.Replace(threshold, threshold with { Minimum = 6 }) };
        var framework = SixGateway with
        {
            Designations = new DesignationRules(SixGateway.Designations.Definitions.Replace(definition, lowered)),
        };

        var criterion = Criterion(Evaluate("systems-transformation",
            Meeting(framework, AllOf(framework, "systems-transformation").Take(6))), CriterionKind.GatewayBenchmarks);

        Assert.True(criterion.Met);
        Assert.Equal((6, 6), (criterion.Required, criterion.Actual));
    }

    [Fact]
    public void SystemsTransformation_MaintainedIndicatorsDoNotCount_OnlyImproving()
    {
        var result = Evaluate("systems-transformation", Meeting(SixGateway, AllOf(SixGateway, "systems-transformation")),
            CoreIndicators(4, TrendDirection.Maintained).Append(Adjacent("housing", TrendDirection.Improved)),
            FourReducedGaps(), awards: ProofPointAwarded());

        Assert.False(result.Met);
        Assert.Equal(0, Criterion(result, CriterionKind.CoreIndicatorOutcomes).Actual);
        Assert.Contains("(b) Core indicators improving", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemsTransformation_NeedsFourGaps()
    {
        var result = Evaluate("systems-transformation", Meeting(SixGateway, AllOf(SixGateway, "systems-transformation")),
            CoreIndicators(4, TrendDirection.Improved).Append(Adjacent("housing", TrendDirection.Improved)),
            FourReducedGaps().Take(3), awards: ProofPointAwarded());

        Assert.False(result.Met);
        var gaps = Criterion(result, CriterionKind.DisparityGaps);
        Assert.Equal((4, 3), (gaps.Required, gaps.Actual));
    }

    [Fact]
    public void SystemsTransformation_AdjacentSectorMustBeImproving()
    {
        var result = Evaluate("systems-transformation", Meeting(SixGateway, AllOf(SixGateway, "systems-transformation")),
            CoreIndicators(4, TrendDirection.Improved)
                .Append(Adjacent("housing", TrendDirection.Maintained))
                .Append(Adjacent("health", TrendDirection.InsufficientData)),
            FourReducedGaps(), awards: ProofPointAwarded());

        var adjacent = Criterion(result, CriterionKind.AdjacentSectorIndicators);
        Assert.False(adjacent.Met);
        Assert.Empty(adjacent.CountedItems);
        Assert.Contains("1 with insufficient data not counted", adjacent.Explanation, StringComparison.Ordinal);
    }

    // --- Proof Point (ToA-5G, 2018 public rule) ---

    [Fact]
    public void FiveGatewayProofPoint_SixtyPercentOfCoreIndicatorsImprovedPlusAnExample_IsMet()
    {
        IndicatorEvidence[] indicators =
        [
            Core("a", TrendDirection.Improved), Core("b", TrendDirection.Improved), Core("c", TrendDirection.Improved),
            Core("d", TrendDirection.Maintained), Core("e", TrendDirection.Worsened),
        ];

        var result = Evaluate("proof-point", FiveGatewayInSystemsChange, indicators, [], [Example("x")]);

        Assert.True(result.Met, result.Explanation);
        var share = Criterion(result, CriterionKind.CoreIndicatorShare);
        Assert.Equal((3, 3), (share.Required, share.Actual));
        Assert.Contains("3 of 5 core indicators of the seven outcomes Improved (60.0%)", share.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void FiveGatewayProofPoint_BelowSixtyPercent_IsNotMet()
    {
        IndicatorEvidence[] indicators =
        [
            Core("a", TrendDirection.Improved), Core("b", TrendDirection.Improved), Core("c", TrendDirection.Maintained),
            Core("d", TrendDirection.Maintained), Core("e", TrendDirection.Worsened),
        ];

        var result = Evaluate("proof-point", FiveGatewayInSystemsChange, indicators, [], [Example("x")]);

        Assert.False(result.Met);
        Assert.False(Criterion(result, CriterionKind.CoreIndicatorShare).Met);
        Assert.True(Criterion(result, CriterionKind.SystemsChangeExamples).Met);
    }

    [Fact]
    public void FiveGatewayProofPoint_InsufficientDataStaysInTheDenominator()
    {
        IndicatorEvidence[] indicators =
        [
            Core("a", TrendDirection.Improved), Core("b", TrendDirection.Improved), Core("c", TrendDirection.Improved),
            Core("d", TrendDirection.InsufficientData), Core("e", TrendDirection.InsufficientData),
            Core("f", TrendDirection.InsufficientData),
        ];

        var share = Criterion(Evaluate("proof-point", FiveGatewayInSystemsChange, indicators, [], [Example("x")]), CriterionKind.CoreIndicatorShare);

        Assert.False(share.Met);
        Assert.Equal((4, 3), (share.Required, share.Actual));
    }

    [Fact]
    public void FiveGatewayProofPoint_NoCoreIndicators_IsNotMet()
    {
        var result = Evaluate("proof-point", FiveGatewayInSystemsChange, [Adjacent("x", TrendDirection.Improved)], [], [Example("x")]);

        var share = Criterion(result, CriterionKind.CoreIndicatorShare);
        Assert.False(share.Met);
        Assert.Contains("No core indicators", share.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void FiveGatewayProofPoint_WithoutSystemsChangeExample_IsNotMet()
    {
        var result = Evaluate("proof-point", FiveGatewayInSystemsChange, [Core("a", TrendDirection.Improved)]);

        Assert.True(Criterion(result, CriterionKind.CoreIndicatorShare).Met);
        Assert.False(result.Met);
    }

    // --- general ---

    [Fact]
    public void EvaluateAll_ReturnsEveryDesignationOfTheFramework()
    {
        var results = DesignationEvaluator.EvaluateAll(DesignationEvidence.Create(AssessmentHistory.Empty(SixGateway)));

        Assert.Equal(["proof-point", "ongoing-proof-point", "systems-transformation"], results.Select(r => r.DesignationId));
        Assert.All(results, r => Assert.False(r.Met));
        Assert.All(results.SelectMany(r => r.Criteria), c => Assert.False(string.IsNullOrWhiteSpace(c.Explanation)));
    }

    [Fact]
    public void Evaluate_UnknownDesignation_Throws()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() =>
            DesignationEvaluator.Evaluate("systems-transformation", DesignationEvidence.Create(AssessmentHistory.Empty(FiveGateway))));

        Assert.Contains("toa-5g-2016", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Evidence_WithNullItems_IsRejected()
    {
        Assert.Throws<ArgumentException>(() =>
            DesignationEvidence.Create(AssessmentHistory.Empty(SixGateway), [null!]));
    }

    [Fact]
    public void Evidence_WithUninitialisedLists_IsRejected()
    {
        var evidence = new DesignationEvidence(AssessmentHistory.Empty(SixGateway), default, default, default);

        Assert.Throws<ArgumentException>(() => DesignationEvaluator.EvaluateAll(evidence));
    }

    [Fact]
    public void DuplicateIndicatorIds_CountOnce()
    {
        IndicatorEvidence[] indicators = [.. Enumerable.Repeat(new IndicatorEvidence("k", Outcome.KindergartenReadiness, true, TrendDirection.Improved), 3)];

        var outcomes = Criterion(Evaluate("proof-point", ProofPointBenchmarks, indicators), CriterionKind.CoreIndicatorOutcomes);

        Assert.Equal(["k"], outcomes.CountedItems);
    }

    private static DesignationResult Evaluate(
        string designationId,
        AssessmentHistory history,
        IEnumerable<IndicatorEvidence>? indicators = null,
        IEnumerable<GapEvidence>? gaps = null,
        IEnumerable<SystemsChangeExample>? examples = null,
        DesignationHistory? awards = null) =>
        DesignationEvaluator.Evaluate(designationId, DesignationEvidence.Create(history, indicators, gaps, examples, awards));

    private static CriterionResult Criterion(DesignationResult result, CriterionKind kind) => result.Criteria.Single(c => c.Kind == kind);

    private static AssessmentHistory FiveGatewayInSystemsChange => Meeting(FiveGateway, ThroughSustaining(FiveGateway));

    /// <summary>A ledger in which a re-evaluation a year ago awarded Proof Point (seed 002 criteria met then).</summary>
    private static DesignationHistory ProofPointAwarded()
    {
        var evidence = DesignationEvidence.Create(ProofPointBenchmarks, CoreIndicators(4, TrendDirection.Improved));
        var reevaluation = DesignationLedger.Reevaluate(DesignationHistory.Empty, evidence, AwardDate);
        Assert.True(reevaluation.History.IsStanding("proof-point"));
        return reevaluation.History;
    }

    private static IEnumerable<IndicatorEvidence> CoreIndicators(int distinctOutcomes, TrendDirection trend) =>
        Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).Take(distinctOutcomes)
            .Select(o => new IndicatorEvidence($"core-{o}", o, true, trend));

    private static IndicatorEvidence Core(string id, TrendDirection trend) => new(id, Outcome.EarlyGradeReading, true, trend);

    private static IndicatorEvidence Adjacent(string id, TrendDirection trend) => new(id, Outcome.AdjacentSector, false, trend);

    private static GapEvidence Gap(string id, Outcome outcome, GapChange change) => new(id, $"ind-{outcome}", outcome, change);

    private static ImmutableArray<GapEvidence> FourReducedGaps() =>
    [
        Gap("g1", Outcome.EarlyGradeReading, GapChange.Reduced), Gap("g2", Outcome.EarlyGradeReading, GapChange.Reduced),
        Gap("g3", Outcome.MiddleGradeMath, GapChange.Eliminated), Gap("g4", Outcome.HighSchoolGraduation, GapChange.Reduced),
    ];

    private static SystemsChangeExample Example(string id) => new(id, "County adopted a data-sharing policy", Today);
}
