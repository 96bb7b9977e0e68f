using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests.Frameworks;

public sealed class EmbeddedFrameworkTests
{
    private static readonly TheoryOfActionFramework FiveGateway = FrameworkCatalog.Embedded.Get(FrameworkCatalog.FiveGatewayId);
    private static readonly TheoryOfActionFramework SixGateway = FrameworkCatalog.Embedded.Get(FrameworkCatalog.SixGatewayId);

    [Fact]
    public void LoadEmbedded_FindsBothVersions()
    {
        var catalog = FrameworkCatalog.LoadEmbedded();

        Assert.Equal(["toa-5g-2016", "toa-6g"], catalog.Frameworks.Select(f => f.Id).Order());
    }

    [Fact]
    public void Get_UnknownId_ThrowsNamingKnownIds()
    {
        var ex = Assert.Throws<KeyNotFoundException>(() => FrameworkCatalog.Embedded.Get("toa-2021"));

        Assert.Contains("toa-2021", ex.Message, StringComparison.Ordinal);
        Assert.Contains("toa-6g", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Catalog_DuplicateFrameworkIds_Throws()
    {
        var ex = Assert.Throws<ArgumentException>(() => new FrameworkCatalog([SixGateway, SixGateway]));

        Assert.Contains("toa-6g", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void FiveGateway_HasFiveOrderedGatewaysEndingInProofPointByDesignation()
    {
        Assert.Equal(
            [GatewayStage.Exploring, GatewayStage.Emerging, GatewayStage.Sustaining, GatewayStage.SystemsChange, GatewayStage.ProofPoint],
            FiveGateway.Gateways.Select(g => g.Stage));
        Assert.Equal([1, 2, 3, 4, 5], FiveGateway.Gateways.Select(g => g.Order));
        Assert.Equal(GatewayEntry.Designation, FiveGateway.FindGateway(GatewayStage.ProofPoint)!.Entry);
        Assert.Null(FiveGateway.FindGateway(GatewayStage.SystemsTransformation));
    }

    [Fact]
    public void SixGateway_AddsSystemsTransformationAfterProofPoint()
    {
        Assert.Equal(
            ["Exploring", "Emerging", "Sustaining", "Systems Change", "Proof Point", "Systems Transformation"],
            SixGateway.Gateways.Select(g => g.Name));
        Assert.Equal(GatewayEntry.Designation, SixGateway.GetGateway("systems-transformation").Entry);
    }

    [Theory]
    [InlineData("toa-5g-2016")]
    [InlineData("toa-6g")]
    public void BothVersions_HaveTheFourPillarsAndFourPrinciples(string frameworkId)
    {
        var framework = FrameworkCatalog.Embedded.Get(frameworkId);

        Assert.Equal(
            ["Shared Community Vision", "Evidence-Based Decision Making", "Collaborative Action", "Investment & Sustainability"],
            framework.Pillars.Select(p => p.Name));
        Assert.Equal(4, framework.Principles.Length);
        Assert.All(framework.Principles, p => Assert.False(string.IsNullOrWhiteSpace(p.Text)));
    }

    [Fact]
    public void FiveGateway_Has33BenchmarksWithTheCatalogCounts()
    {
        Assert.Equal(33, FiveGateway.Benchmarks.Length);

        // domain.md 1.4: Exploring 8 (3/2/1/2), Emerging 6 (1/2/1/2), Sustaining 10 (3/2/3/2), Systems Change 9 (2/1/3/3).
        Assert.Equal([3, 2, 1, 2], PillarCounts(FiveGateway, "exploring"));
        Assert.Equal([1, 2, 1, 2], PillarCounts(FiveGateway, "emerging"));
        Assert.Equal([3, 2, 3, 2], PillarCounts(FiveGateway, "sustaining"));
        Assert.Equal([2, 1, 3, 3], PillarCounts(FiveGateway, "systems-change"));
        Assert.Empty(FiveGateway.BenchmarksIn("proof-point"));
    }

    [Fact]
    public void SixGateway_HasSixPlusTwoCarriedOverPerEarlyGatewayAndNineInTheLaterOnes()
    {
        Assert.Equal(42, SixGateway.Benchmarks.Length);
        Assert.Equal([3, 2, 1, 2], PillarCounts(SixGateway, "exploring"));
        Assert.Equal([3, 2, 1, 2], PillarCounts(SixGateway, "emerging"));
        Assert.Equal([2, 1, 3, 2], PillarCounts(SixGateway, "sustaining"));
        Assert.Equal([2, 1, 3, 3], PillarCounts(SixGateway, "systems-change"));
        Assert.Equal([2, 1, 3, 3], PillarCounts(SixGateway, "systems-transformation"));
    }

    [Fact]
    public void SixGateway_CarriedOverBenchmarks_AreExactlyTheEarlyInvestmentAndSustainabilityOnesWithFiveGatewayText()
    {
        var carried = SixGateway.Benchmarks.Where(b => b.Provenance.CarriedOver).ToList();

        Assert.Equal(
            ["6G-EMG-IS-1", "6G-EMG-IS-2", "6G-EXP-IS-1", "6G-EXP-IS-2", "6G-SUS-IS-1", "6G-SUS-IS-2"],
            carried.Select(b => b.Id).Order(StringComparer.Ordinal));
        Assert.All(carried, b =>
        {
            var source = FiveGateway.FindBenchmark(b.Provenance.CarriedOverFrom!);
            Assert.NotNull(source);
            Assert.Equal(source.Text, b.Text);
            Assert.Equal("IS", b.PillarId);
            Assert.Equal(b.Id[3..], source.Id[3..]);
        });
        Assert.All(SixGateway.Benchmarks.Where(b => !b.Provenance.CarriedOver), b => Assert.Equal("002", b.Provenance.Seed));
        Assert.All(FiveGateway.Benchmarks, b => Assert.False(b.Provenance.CarriedOver));
    }

    [Fact]
    public void UncertainPlacements_AreFlaggedWhereTheDomainNotesFlagThem()
    {
        var flagged = FrameworkCatalog.Embedded.Frameworks
            .SelectMany(f => f.Benchmarks)
            .Where(b => b.Provenance.UncertainPlacement is not null)
            .Select(b => b.Id)
            .Order(StringComparer.Ordinal);

        Assert.Equal(["5G-SC-CA-3", "5G-SUS-CA-3", "6G-EXP-EBDM-2", "6G-ST-SCV-2"], flagged);
    }

    [Theory]
    [InlineData("5G-EXP-SCV-1", "exploring", "SCV", "A cross-sector partnership with a defined geographic scope organizes around a cradle to career vision.")]
    [InlineData("5G-EMG-IS-2", "emerging", "IS", "Partners support the operations work of the partnership.")]
    [InlineData("5G-SUS-IS-1", "sustaining", "IS", "Partners allocate and align resources to improve community level outcomes")]
    [InlineData("5G-SC-EBDM-1", "systems-change", "EBDM", "Student-level data is accessible and used regularly by relevant partners to inform actions to improve outcomes and narrow disparities")]
    [InlineData("6G-EXP-EBDM-1", "exploring", "EBDM", "The partnership selects community-level outcomes and core indicators to be held accountable for improving")]
    [InlineData("6G-SC-EBDM-1", "systems-change", "EBDM", "Student-level data is accessible and used regularly by relevant partners to inform actions to improve outcomes and reduce disparities")]
    [InlineData("6G-ST-IS-3", "systems-transformation", "IS", "Public and private funding is aligned to strategies that advance equitable outcomes, and/or positive policy changes occur along multiple points on the cradle-to-career continuum")]
    public void Benchmarks_CarryTheSeedTextGatewayAndPillar(string id, string gateway, string pillar, string text)
    {
        var benchmark = FrameworkCatalog.Embedded.Frameworks.Select(f => f.FindBenchmark(id)).Single(b => b is not null)!;

        Assert.Equal(gateway, benchmark.GatewayId);
        Assert.Equal(pillar, benchmark.PillarId);
        Assert.Equal(text, benchmark.Text);
    }

    [Fact]
    public void BenchmarkIds_FollowGatewayAndPillarOfTheirPlacement()
    {
        var gatewayCodes = new Dictionary<string, string>
        {
            ["EXP"] = "exploring", ["EMG"] = "emerging", ["SUS"] = "sustaining", ["SC"] = "systems-change",
            ["ST"] = "systems-transformation",
        };
        Assert.All(FrameworkCatalog.Embedded.Frameworks.SelectMany(f => f.Benchmarks), b =>
        {
            var parts = b.Id.Split('-');
            Assert.Equal(gatewayCodes[parts[1]], b.GatewayId);
            Assert.Equal(parts[2], b.PillarId);
        });
    }

    [Fact]
    public void SixGateway_DesignationParameters_MatchSeed002()
    {
        var proofPoint = SixGateway.Designations.Find("proof-point")!;
        var placed = Assert.IsType<InGatewayCriterion>(proofPoint.Criteria[0]);
        Assert.Equal("systems-change", placed.GatewayId);
        Assert.True(placed.IsPrerequisite);
        var pillars = Assert.IsType<BenchmarksAcrossPillarsCriterion>(proofPoint.Criteria[1]);
        Assert.Equal(("systems-change", 1, 4), (pillars.GatewayId, pillars.MinimumPerPillar, pillars.PillarsRequired));
        var outcomes = Assert.IsType<CoreIndicatorOutcomesCriterion>(proofPoint.Criteria[2]);
        Assert.Equal(4, outcomes.Minimum);
        Assert.True(outcomes.DistinctOutcomes);
        Assert.Equal([TrendDirection.Improved, TrendDirection.Maintained], outcomes.Trends.ToArray());

        var ongoing = SixGateway.Designations.Find("ongoing-proof-point")!;
        Assert.Equal(2, ongoing.Criteria.OfType<DisparityGapsCriterion>().Single().Minimum);
        Assert.Equal(1, ongoing.Criteria.OfType<SystemsChangeExamplesCriterion>().Single().Minimum);
        Assert.Equal("systems-change", ongoing.Criteria.OfType<InGatewayCriterion>().Single().GatewayId);
        var earlier = ongoing.Criteria.OfType<DesignationHeldCriterion>().Single();
        Assert.Equal(["proof-point"], earlier.DesignationIds.ToArray());
        Assert.False(earlier.Standing);
        Assert.Equal(["proof-point", "ongoing-proof-point"], ongoing.Criteria.OfType<SystemsChangeExamplesCriterion>().Single().RecordedAfterAwardOf.ToArray());

        var transformation = SixGateway.Designations.Find("systems-transformation")!;
        Assert.Equal("systems-transformation", transformation.GrantsGatewayId);
        Assert.Null(transformation.Criteria.OfType<GatewayBenchmarksCriterion>().Single().Minimum);
        Assert.Equal([TrendDirection.Improved], transformation.Criteria.OfType<CoreIndicatorOutcomesCriterion>().Single().Trends.ToArray());
        Assert.Equal(4, transformation.Criteria.OfType<DisparityGapsCriterion>().Single().Minimum);
        Assert.Equal(1, transformation.Criteria.OfType<AdjacentSectorIndicatorsCriterion>().Single().Minimum);
        var standing = transformation.Criteria.OfType<DesignationHeldCriterion>().Single();
        Assert.Equal(["proof-point", "ongoing-proof-point"], standing.DesignationIds.ToArray());
        Assert.True(standing.Standing);
        Assert.Equal(2, SixGateway.RulesRevision);
    }

    [Fact]
    public void FiveGateway_ProofPoint_IsThe2018SixtyPercentRule()
    {
        var proofPoint = Assert.Single(FiveGateway.Designations.Definitions);
        var share = proofPoint.Criteria.OfType<CoreIndicatorShareCriterion>().Single();

        Assert.Equal(60m, share.MinimumPercent);
        Assert.Equal(1, proofPoint.Criteria.OfType<SystemsChangeExamplesCriterion>().Single().Minimum);
        Assert.Equal("systems-change", proofPoint.Criteria.OfType<InGatewayCriterion>().Single().GatewayId);
    }

    private static int[] PillarCounts(TheoryOfActionFramework framework, string gatewayId) =>
        framework.Pillars.Select(p => framework.BenchmarksIn(gatewayId).Count(b => b.PillarId == p.Id)).ToArray();
}
