using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Progress;
using static StriveNetwork.Domain.Tests.Progress.Partnerships;

namespace StriveNetwork.Domain.Tests.Progress;

public sealed class GatewayPlacementTests
{
    [Fact]
    public void Place_NothingMet_IsExploringAndListsEveryExploringBenchmarkAsMissing()
    {
        var placement = GatewayRules.Place(AssessmentHistory.Empty(FiveGateway));

        Assert.Equal(GatewayStage.Exploring, placement.Current.Stage);
        Assert.Equal("emerging", placement.Next!.Id);
        Assert.False(placement.NextReachedByDesignation);
        Assert.Equal(8, placement.MissingForNext.Count);
        Assert.Contains("Exploring is the entry gateway", placement.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Place_AllExploringMet_IsEmerging()
    {
        var placement = GatewayRules.Place(Meeting(FiveGateway, AllOf(FiveGateway, "exploring")));

        Assert.Equal(GatewayStage.Emerging, placement.Current.Stage);
        Assert.Equal(
            ["5G-EMG-SCV-1", "5G-EMG-EBDM-1", "5G-EMG-EBDM-2", "5G-EMG-CA-1", "5G-EMG-IS-1", "5G-EMG-IS-2"],
            placement.MissingForNext);
    }

    [Fact]
    public void Place_OneExploringBenchmarkMissing_StaysInExploringEvenWithLaterGatewaysMet()
    {
        var met = AllOf(FiveGateway, "exploring", "emerging", "sustaining", "systems-change").Where(id => id != "5G-EXP-IS-2");

        var placement = GatewayRules.Place(Meeting(FiveGateway, met));

        Assert.Equal(GatewayStage.Exploring, placement.Current.Stage);
        Assert.Equal(["5G-EXP-IS-2"], placement.MissingForNext);
        Assert.Contains("Investment & Sustainability: 5G-EXP-IS-2", placement.Explanation, StringComparison.Ordinal);
        Assert.True(placement.For("emerging").Complete);
    }

    [Fact]
    public void Place_ThroughSustaining_IsSystemsChange_AndProofPointNeedsADesignation()
    {
        var placement = GatewayRules.Place(Meeting(SixGateway, ThroughSustaining(SixGateway)));

        Assert.Equal(GatewayStage.SystemsChange, placement.Current.Stage);
        Assert.Equal("proof-point", placement.Next!.Id);
        Assert.True(placement.NextReachedByDesignation);
        Assert.Empty(placement.MissingForNext);
        Assert.Contains("reached only through a designation (Proof Point, Ongoing Proof Point)", placement.Explanation, StringComparison.Ordinal);
    }

    [Fact]
    public void Place_EveryBenchmarkMet_NeverGoesBeyondSystemsChange()
    {
        var placement = GatewayRules.Place(Meeting(SixGateway, SixGateway.Benchmarks.Select(b => b.Id)));

        Assert.Equal(GatewayStage.SystemsChange, placement.Current.Stage);
        Assert.True(placement.For("systems-transformation").Complete);
    }

    [Fact]
    public void Place_ReportsMetAndNotMetByPillarForEveryGateway()
    {
        var placement = GatewayRules.Place(Meeting(SixGateway, ["6G-EXP-SCV-1", "6G-EXP-SCV-3", "6G-EXP-IS-1"]));

        Assert.Equal(SixGateway.Gateways.Length, placement.Gateways.Count);
        var exploring = placement.For("exploring");
        Assert.Equal((3, 8, false), (exploring.Met, exploring.Required, exploring.Complete));
        var vision = exploring.Pillars.Single(p => p.Pillar.Id == "SCV");
        Assert.Equal(["6G-EXP-SCV-1", "6G-EXP-SCV-3"], vision.Met);
        Assert.Equal(["6G-EXP-SCV-2"], vision.NotMet);
        var investment = exploring.Pillars.Single(p => p.Pillar.Id == "IS");
        Assert.Equal(["6G-EXP-IS-1"], investment.Met);
        Assert.Equal(["6G-EXP-IS-2"], investment.NotMet);
        Assert.Equal(0, placement.For("proof-point").Required);
    }

    [Fact]
    public void Place_OnlyTheLatestStatusCounts()
    {
        var history = Meeting(FiveGateway, AllOf(FiveGateway, "exploring"))
            .Append(new BenchmarkAssessment("5G-EXP-CA-1", BenchmarkStatus.InProgress, Today, "reviewer"), Today);

        var placement = GatewayRules.Place(history);

        Assert.Equal(GatewayStage.Exploring, placement.Current.Stage);
        Assert.Equal(["5G-EXP-CA-1"], placement.MissingForNext);
    }

    [Fact]
    public void Place_CarriedOverBenchmarksNotCounted_WhenThePlacementRuleSaysSo()
    {
        var withoutCarried = SixGateway with { Placement = new PlacementRules(CountCarriedOverBenchmarks: false) };
        var original = ThroughSustaining(SixGateway).Where(id => !id.Contains("-IS-", StringComparison.Ordinal)).ToList();

        Assert.Equal(GatewayStage.SystemsChange, GatewayRules.Place(withoutCarried, original.ToHashSet()).Current.Stage);
        Assert.Equal(GatewayStage.Exploring, GatewayRules.Place(SixGateway, original.ToHashSet()).Current.Stage);
    }

    [Fact]
    public void Place_UnknownMetIds_AreIgnored()
    {
        var placement = GatewayRules.Place(FiveGateway, new HashSet<string> { "6G-EXP-SCV-1", "nonsense" });

        Assert.Equal(GatewayStage.Exploring, placement.Current.Stage);
        Assert.Equal(0, placement.For("exploring").Met);
    }
}
