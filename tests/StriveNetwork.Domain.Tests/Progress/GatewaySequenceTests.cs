using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>
/// The gateway sequence, from the seeds: meeting the Exploring, Emerging and Sustaining benchmarks "leads to System
/// Change and ultimately Proof Point" (seed 003); "by crossing through each Gateway" (seed 001); the first five
/// gateways put a community on a path to Systems Transformation (seed 002).
/// </summary>
public sealed class GatewaySequenceTests
{
    private static readonly DateOnly Year1 = new(2024, 6, 30);
    private static readonly DateOnly Year2 = new(2025, 6, 30);

    [Fact]
    public void NoDesignation_FromExploring_EvenWithEverySystemsChangeBenchmarkAndFourOutcomesImproved()
    {
        // The case found through the public API: no Exploring benchmark met, all Systems Change benchmarks met.
        var history = Meeting(SixGateway, AllOf(SixGateway, "systems-change"));
        var evidence = DesignationEvidence.Create(history, CoreIndicators(4, TrendDirection.Improved));

        var proofPoint = DesignationEvaluator.Evaluate("proof-point", evidence);
        var ledger = DesignationLedger.Reevaluate(DesignationHistory.Empty, evidence, Year1).History;
        var shown = GatewaySequence.Shown(SixGateway, GatewayRules.Place(history), ledger);

        Assert.False(proofPoint.Met);
        var missing = Assert.IsType<CriterionResult>(proofPoint.MissingPrerequisite);
        Assert.Equal(CriterionKind.InGateway, missing.Kind);
        Assert.Contains("Placed in Exploring, not Systems Change", missing.Explanation, StringComparison.Ordinal);
        Assert.StartsWith("Proof Point: prerequisite missing: Placed in Exploring", proofPoint.Explanation, StringComparison.Ordinal);
        Assert.True(proofPoint.Criteria.Where(c => !c.IsPrerequisite).All(c => c.Met), "only the prerequisite fails");
        Assert.Empty(ledger.Standing());
        Assert.Equal(GatewayStage.Exploring, shown.Stage);
    }

    [Theory]
    [InlineData("exploring")]
    [InlineData("sustaining")]
    public void FiveGatewayProofPoint_IsNotEarnedBeforeSystemsChange(string lastCompleteGatewayOrNone)
    {
        // Five-gateway partnerships in Exploring or Sustaining were shown as Proof Points.
        var met = lastCompleteGatewayOrNone == "exploring" ? [] : AllOf(FiveGateway, "exploring", "emerging");
        var history = Meeting(FiveGateway, met);
        IndicatorEvidence[] improved = [.. CoreIndicators(5, TrendDirection.Improved)];

        var result = DesignationEvaluator.Evaluate("proof-point",
            DesignationEvidence.Create(history, improved, [], [new SystemsChangeExample("policy", "Policy adopted", Today)]));

        Assert.Equal(lastCompleteGatewayOrNone == "exploring" ? GatewayStage.Exploring : GatewayStage.Sustaining, GatewayRules.Place(history).Current.Stage);
        Assert.False(result.Met);
        Assert.Equal(CriterionKind.InGateway, result.MissingPrerequisite?.Kind);
        Assert.True(result.Criteria.Single(c => c.Kind == CriterionKind.CoreIndicatorShare).Met);
    }

    [Fact]
    public void FiveGatewayProofPoint_AdjacentSectorIndicator_IsNeverACoreIndicator()
    {
        // Four of seven core indicators improved is 57 %, below 60 %; counting an improved adjacent-sector indicator
        // as an eighth "core" indicator made it 5 of 8 = 62.5 %.
        IndicatorEvidence[] indicators =
        [
            .. CoreIndicators(4, TrendDirection.Improved),
            .. CoreIndicators(7, TrendDirection.Maintained).Skip(4),
            new("housing-stability", Outcome.AdjacentSector, true, TrendDirection.Improved),
        ];

        var result = DesignationEvaluator.Evaluate("proof-point", DesignationEvidence.Create(
            Meeting(FiveGateway, ThroughSustaining(FiveGateway)), indicators, [], [new SystemsChangeExample("policy", "Policy adopted", Today)]));

        var share = result.Criteria.Single(c => c.Kind == CriterionKind.CoreIndicatorShare);
        Assert.False(share.Met);
        Assert.Equal((5, 4), (share.Required, share.Actual));
        Assert.DoesNotContain("housing-stability", share.CountedItems);
        Assert.Contains("4 of 7 core indicators of the seven outcomes Improved (57.1%)", share.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void OngoingProofPoint_WithoutAPriorProofPoint_IsNotMet()
    {
        // Ongoing Proof Point was granted to partnerships that never held Proof Point.
        var evidence = OngoingEvidence([Example("policy", Today)]);

        var result = DesignationEvaluator.Evaluate("ongoing-proof-point", evidence);

        Assert.False(result.Met);
        var missing = Assert.IsType<CriterionResult>(result.MissingPrerequisite);
        Assert.Equal(CriterionKind.DesignationHeld, missing.Kind);
        Assert.Contains("No Proof Point awarded before", missing.Explanation, StringComparison.Ordinal);
        Assert.Contains("prerequisite missing: No Proof Point awarded before", result.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void OngoingProofPoint_ExamplesRecordedBeforeTheProofPointAward_AreNotAdditional()
    {
        // "additional examples of systems change" = recorded after the award, not any example.
        var ledger = ProofPointAwardedOn(Year1);
        var evidence = OngoingEvidence([Example("before", Year1.AddDays(-30)), Example("same-day", Year1)]) with { Awards = ledger };

        var result = DesignationEvaluator.Evaluate("ongoing-proof-point", evidence);

        var examples = result.Criteria.Single(c => c.Kind == CriterionKind.SystemsChangeExamples);
        Assert.False(examples.Met);
        Assert.Equal(0, examples.Actual);
        Assert.Contains("2 earlier one(s) not additional", examples.Explanation, StringComparison.Ordinal);
        Assert.False(result.Met);
    }

    [Fact]
    public void OngoingProofPoint_ExampleAfterTheAward_IsAdditional_AndTheDesignationIsMet()
    {
        var ledger = ProofPointAwardedOn(Year1);
        var evidence = OngoingEvidence([Example("before", Year1.AddDays(-30)), Example("after", Year1.AddDays(1))]) with { Awards = ledger };

        var result = DesignationEvaluator.Evaluate("ongoing-proof-point", evidence);

        Assert.True(result.Met, result.Explanation);
        Assert.Equal(["after"], result.Criteria.Single(c => c.Kind == CriterionKind.SystemsChangeExamples).CountedItems);
    }

    [Fact]
    public void OngoingProofPoint_RenewalNeedsExamplesAfterTheLastOngoingAward()
    {
        var ledger = ProofPointAwardedOn(Year1);
        var afterFirst = Example("after-first", Year1.AddDays(10));
        var first = DesignationLedger.Reevaluate(ledger, OngoingEvidence([afterFirst]), Year2);
        Assert.Equal(DesignationEventKind.Awarded, first.Events.Single(e => e.DesignationId == "ongoing-proof-point").Kind);

        var second = DesignationLedger.Reevaluate(first.History, OngoingEvidence([afterFirst]), Year2.AddYears(1));

        var lapse = second.Events.Single(e => e.DesignationId == "ongoing-proof-point");
        Assert.Equal(DesignationEventKind.Lapsed, lapse.Kind);
        Assert.Contains("1 earlier one(s) not additional", lapse.Evaluation.Criteria.Single(c => c.Kind == CriterionKind.SystemsChangeExamples).Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void SystemsTransformation_WithoutAStandingProofPoint_IsNotMet()
    {
        var evidence = TransformationEvidence();

        var result = DesignationEvaluator.Evaluate("systems-transformation", evidence);

        Assert.False(result.Met);
        Assert.Equal(CriterionKind.DesignationHeld, result.MissingPrerequisite?.Kind);
        Assert.Contains("No standing Proof Point or Ongoing Proof Point", result.MissingPrerequisite!.Explanation, StringComparison.Ordinal);
        Assert.True(result.Criteria.Where(c => !c.IsPrerequisite).All(c => c.Met));
    }

    [Fact]
    public void SystemsTransformation_OnAStandingProofPoint_IsMet_ButNotInTheSameReevaluationAsTheProofPoint()
    {
        // Everything is met at once: the first re-evaluation awards Proof Point only (an award is never the
        // prerequisite of another award in the same re-evaluation); the next one adds Systems Transformation.
        var evidence = TransformationEvidence();

        var first = DesignationLedger.Reevaluate(DesignationHistory.Empty, evidence, Year1);
        var second = DesignationLedger.Reevaluate(first.History, evidence, Year2);

        Assert.Equal(["proof-point"], first.History.Standing());
        Assert.Contains("systems-transformation", second.History.Standing());
        var shown = GatewaySequence.Shown(SixGateway, GatewayRules.Place(evidence.Assessments), second.History);
        Assert.Equal(GatewayStage.SystemsTransformation, shown.Stage);
    }

    [Fact]
    public void ShownGateway_NeverSkipsAGateway_AStandingProofPointIsNotShownWhilePlacementIsSustaining()
    {
        var ledger = ProofPointAwardedOn(Year1);
        var slipped = Meeting(SixGateway, ThroughSustaining(SixGateway).Where(id => id != "6G-SUS-CA-3"));

        var shown = GatewaySequence.Shown(SixGateway, GatewayRules.Place(slipped), ledger);

        Assert.True(ledger.IsStanding("proof-point"), "reading never lapses a designation");
        Assert.Equal(GatewayStage.Sustaining, shown.Stage);
        Assert.Contains("Proof Point stands but is not shown", shown.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void ShownGateway_SystemsTransformationWithoutProofPoint_ShowsSystemsChange()
    {
        var placement = GatewayRules.Place(Meeting(SixGateway, ThroughSustaining(SixGateway)));

        var shown = GatewaySequence.Shown(SixGateway, placement, ["systems-transformation"]);

        Assert.Equal(GatewayStage.SystemsChange, shown.Stage);
        Assert.Equal(GatewayStage.SystemsTransformation,
            GatewaySequence.Shown(SixGateway, placement, ["ongoing-proof-point", "systems-transformation"]).Stage);
    }

    [Fact]
    public void TwoReferenceDefinitionsForOneFocalGroup_CountOneGap()
    {
        // Black vs White and Black vs All Students on reading are one disparity, not two.
        var ledger = ProofPointAwardedOn(Year1);
        GapEvidence[] gaps =
        [
            new("black-vs-white", "reading", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
            new("black-vs-all", "reading", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
        ];
        var evidence = OngoingEvidence([Example("after", Year1.AddDays(1))]) with { Gaps = [.. gaps], Awards = ledger };

        var criterion = DesignationEvaluator.Evaluate("ongoing-proof-point", evidence).Criteria.Single(c => c.Kind == CriterionKind.DisparityGaps);

        Assert.False(criterion.Met);
        Assert.Equal((2, 1), (criterion.Required, criterion.Actual));
        Assert.Equal(["reading/all/black"], criterion.CountedItems);
        Assert.Contains("counted once", criterion.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void OneFocalGroup_CountsAsReducedOnlyWhenEveryJudgedDefinitionAgrees()
    {
        GapEvidence[] gaps =
        [
            new("vs-white", "reading", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
            new("vs-all", "reading", Outcome.EarlyGradeReading, GapChange.Widened, "all/black"),
            new("vs-best", "reading", Outcome.EarlyGradeReading, GapChange.InsufficientData, "all/black"),
            new("hispanic", "reading", Outcome.EarlyGradeReading, GapChange.InsufficientData, "all/hispanic"),
            new("math", "math", Outcome.MiddleGradeMath, GapChange.Eliminated, "all/black"),
        ];

        var counts = GapCounting.Count(gaps);

        Assert.Equal(new GapCounts(Reduced: 0, Eliminated: 1, Unchanged: 0, Widened: 1, InsufficientData: 1), counts);
        Assert.Equal(GapChange.Reduced, GapCounting.Combine([GapChange.Eliminated, GapChange.Reduced, GapChange.InsufficientData]));
    }

    private static IEnumerable<IndicatorEvidence> CoreIndicators(int count, TrendDirection trend) =>
        Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).Take(count)
            .Select(o => new IndicatorEvidence($"core-{o}", o, true, trend));

    private static SystemsChangeExample Example(string id, DateOnly date) => new(id, "Systems change", date);

    private static AssessmentHistory ProofPointBenchmarks() =>
        Meeting(SixGateway, ThroughSustaining(SixGateway).Concat(["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1"]));

    private static DesignationHistory ProofPointAwardedOn(DateOnly date)
    {
        var evidence = DesignationEvidence.Create(ProofPointBenchmarks(), CoreIndicators(4, TrendDirection.Improved));
        var result = DesignationLedger.Reevaluate(DesignationHistory.Empty, evidence, date);
        Assert.Equal(["proof-point"], result.History.Standing());
        return result.History;
    }

    private static DesignationEvidence OngoingEvidence(IEnumerable<SystemsChangeExample> examples) =>
        DesignationEvidence.Create(
            ProofPointBenchmarks(),
            CoreIndicators(4, TrendDirection.Maintained),
            [
                new GapEvidence("g1", "reading", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
                new GapEvidence("g2", "math", Outcome.MiddleGradeMath, GapChange.Eliminated, "all/hispanic"),
            ],
            examples);

    private static DesignationEvidence TransformationEvidence() =>
        DesignationEvidence.Create(
            Meeting(SixGateway, ThroughSustaining(SixGateway).Concat(AllOf(SixGateway, "systems-change", "systems-transformation"))),
            [.. CoreIndicators(4, TrendDirection.Improved), new IndicatorEvidence("housing", Outcome.AdjacentSector, false, TrendDirection.Improved)],
            [
                new GapEvidence("g1", "r", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
                new GapEvidence("g2", "r", Outcome.EarlyGradeReading, GapChange.Reduced, "all/hispanic"),
                new GapEvidence("g3", "m", Outcome.MiddleGradeMath, GapChange.Eliminated, "all/black"),
                new GapEvidence("g4", "g", Outcome.HighSchoolGraduation, GapChange.Reduced, "all/low-income"),
            ]);
}
