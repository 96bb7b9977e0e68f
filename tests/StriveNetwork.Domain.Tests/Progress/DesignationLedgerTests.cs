using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Domain.Settings;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;

namespace StriveNetwork.Domain.Tests.Progress;

/// <summary>Designations as records that last: award, renew and lapse only by recorded re-evaluation.</summary>
public sealed class DesignationLedgerTests
{
    private static readonly DateOnly First = new(2024, 3, 1);

    [Fact]
    public void Award_RecordsDesignationDateFrameworkVersionAndTheEvaluationWithActualValues()
    {
        var result = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First);

        var award = Assert.Single(result.Events);
        Assert.Equal(("proof-point", DesignationEventKind.Awarded, First), (award.DesignationId, award.Kind, award.Date));
        Assert.Equal(("toa-6g", "c.2019-2021", 2), (award.FrameworkId, award.FrameworkVersion, award.RulesRevision));
        Assert.Equal("proof-point", award.GrantsGatewayId);
        Assert.True(award.Evaluation.Met);
        var outcomes = award.Evaluation.Criteria.Single(c => c.Kind == CriterionKind.CoreIndicatorOutcomes);
        Assert.Equal((4, 4), (outcomes.Required, outcomes.Actual));
        Assert.Equal(First.AddMonths(12), award.ReevaluationDue);
        Assert.Equal([First], result.History.Reevaluations);
        Assert.Equal(3, result.Results.Length);
    }

    [Fact]
    public void ReevaluationPeriod_IsConfigurable()
    {
        var result = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First,
            new PartnershipRuleSettings { ReevaluationPeriodMonths = 6 });

        Assert.Equal(First.AddMonths(6), Assert.Single(result.Events).ReevaluationDue);
    }

    [Fact]
    public void MetAgain_Renews_NotMet_Lapses()
    {
        var awarded = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First).History;

        var renewed = DesignationLedger.Reevaluate(awarded, ProofPointEvidence(), First.AddYears(1));
        var lapsed = DesignationLedger.Reevaluate(renewed.History, ProofPointEvidence(TrendDirection.Worsened), First.AddYears(2));

        Assert.Equal(DesignationEventKind.Renewed, Assert.Single(renewed.Events).Kind);
        Assert.True(renewed.History.IsStanding("proof-point"));
        var lapse = Assert.Single(lapsed.Events);
        Assert.Equal(DesignationEventKind.Lapsed, lapse.Kind);
        Assert.Null(lapse.ReevaluationDue);
        Assert.Contains("(b) Core indicators maintained or improved", lapse.Reason, StringComparison.Ordinal);
        Assert.False(lapsed.History.IsStanding("proof-point"));
        Assert.True(lapsed.History.WasAwarded("proof-point"));
    }

    [Fact]
    public void Reading_NeverLapsesAnOverdueDesignation()
    {
        var history = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First).History;
        var muchLater = First.AddYears(5);

        Assert.True(history.IsStanding("proof-point"));
        Assert.True(history.AsOf(muchLater).IsStanding("proof-point"));
        var overdue = Assert.Single(history.Overdue(muchLater));
        Assert.Equal("proof-point", overdue.DesignationId);
        Assert.Empty(history.Overdue(First.AddMonths(11)));
    }

    [Fact]
    public void NotMetAndNotStanding_RecordsTheReevaluationButNoEvent()
    {
        var result = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(TrendDirection.Worsened), First);

        Assert.Empty(result.Events);
        Assert.Equal([First], result.History.Reevaluations);
        Assert.All(result.Results, r => Assert.False(r.Met));
    }

    [Fact]
    public void Reevaluation_DatesMustAscend()
    {
        var history = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First).History;

        Assert.Throws<ArgumentException>(() => DesignationLedger.Reevaluate(history, ProofPointEvidence(), First));
        Assert.Throws<ArgumentException>(() => DesignationLedger.Reevaluate(history, ProofPointEvidence(), First.AddDays(-1)));
    }

    [Fact]
    public void ProofPointLapse_TakesSystemsTransformationWithIt()
    {
        var everything = TransformationEvidence(TrendDirection.Improved);
        var h1 = DesignationLedger.Reevaluate(DesignationHistory.Empty, everything, First).History;
        var h2 = DesignationLedger.Reevaluate(h1, everything, First.AddYears(1)).History;
        Assert.True(h2.IsStanding("systems-transformation"));

        // Proof Point no longer met (no Systems Change benchmark of one pillar met any more); Systems Transformation's own criteria still are,
        // and its prerequisite stood before this re-evaluation, but a designation is never held without it.
        var slipped = TransformationEvidence(TrendDirection.Improved, drop: "6G-SC-IS-");
        var r3 = DesignationLedger.Reevaluate(h2, slipped, First.AddYears(2));

        Assert.Equal(DesignationEventKind.Lapsed, r3.Events.Single(e => e.DesignationId == "proof-point").Kind);
        var cascade = r3.Events.Single(e => e.DesignationId == "systems-transformation");
        Assert.Equal(DesignationEventKind.Lapsed, cascade.Kind);
        Assert.Contains("prerequisite Proof Point or Ongoing Proof Point no longer stands", cascade.Reason, StringComparison.Ordinal);
        Assert.Empty(r3.History.Standing());
    }

    [Fact]
    public void StoredRecords_RoundTrip_AndInvalidOnesAreRejected()
    {
        var h1 = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First).History;
        var h2 = DesignationLedger.Reevaluate(h1, ProofPointEvidence(TrendDirection.Worsened), First.AddYears(1)).History;

        var restored = DesignationHistory.FromRecords(h2.Reevaluations, h2.Events);

        Assert.Equal(h2.Events, restored.Events);
        Assert.False(restored.IsStanding("proof-point"));
        Assert.Throws<ArgumentException>(() => DesignationHistory.FromRecords(h2.Reevaluations, h2.Events.Reverse()));
        Assert.Throws<ArgumentException>(() => DesignationHistory.FromRecords([First], h2.Events));
        Assert.Throws<ArgumentException>(() => DesignationHistory.FromRecords([First.AddYears(1), First], []));
    }

    [Fact]
    public void AsOf_ShowsTheLedgerAsItStoodThen()
    {
        var h1 = DesignationLedger.Reevaluate(DesignationHistory.Empty, ProofPointEvidence(), First).History;
        var h2 = DesignationLedger.Reevaluate(h1, ProofPointEvidence(TrendDirection.Worsened), First.AddYears(1)).History;

        Assert.True(h2.AsOf(First.AddMonths(6)).IsStanding("proof-point"));
        Assert.False(h2.AsOf(First.AddYears(1)).IsStanding("proof-point"));
        Assert.False(h2.AsOf(First.AddDays(-1)).WasAwarded("proof-point"));
    }

    [Fact]
    public void InvalidSettings_AreRejectedBeforeAnythingIsRecorded()
    {
        var ex = Assert.Throws<IndicatorValidationException>(() => DesignationLedger.Reevaluate(
            DesignationHistory.Empty, ProofPointEvidence(), First, new PartnershipRuleSettings { ReevaluationPeriodMonths = 0 }));

        Assert.Contains(ex.Errors, e => e.Field == nameof(PartnershipRuleSettings.ReevaluationPeriodMonths));
    }

    private static IEnumerable<IndicatorEvidence> CoreIndicators(int count, TrendDirection trend) =>
        Enum.GetValues<Outcome>().Where(o => o != Outcome.AdjacentSector).Take(count)
            .Select(o => new IndicatorEvidence($"core-{o}", o, true, trend));

    private static DesignationEvidence ProofPointEvidence(TrendDirection trend = TrendDirection.Improved) =>
        DesignationEvidence.Create(
            Meeting(SixGateway, ThroughSustaining(SixGateway).Concat(["6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1"])),
            CoreIndicators(4, trend));

    private static DesignationEvidence TransformationEvidence(TrendDirection trend, string? drop = null) =>
        DesignationEvidence.Create(
            Meeting(SixGateway, ThroughSustaining(SixGateway)
                .Concat(AllOf(SixGateway, "systems-change", "systems-transformation"))
                .Where(id => drop is null || !id.StartsWith(drop, StringComparison.Ordinal))),
            [.. CoreIndicators(4, trend), new IndicatorEvidence("housing", Outcome.AdjacentSector, false, TrendDirection.Improved)],
            [
                new GapEvidence("g1", "r", Outcome.EarlyGradeReading, GapChange.Reduced, "all/black"),
                new GapEvidence("g2", "r", Outcome.EarlyGradeReading, GapChange.Reduced, "all/hispanic"),
                new GapEvidence("g3", "m", Outcome.MiddleGradeMath, GapChange.Eliminated, "all/black"),
                new GapEvidence("g4", "g", Outcome.HighSchoolGraduation, GapChange.Reduced, "all/low-income"),
            ]);
}
