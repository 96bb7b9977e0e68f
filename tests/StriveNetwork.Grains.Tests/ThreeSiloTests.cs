using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Three silos on shared storage: one activation per grain whichever silo a call enters, and one network rollup.</summary>
public sealed class ThreeSiloTests(SharedClusterFixture fixture) : IClassFixture<SharedClusterFixture>
{
    private readonly GrainCluster _c = fixture.Cluster;

    [Fact]
    public async Task APartnershipCalledThroughEverySilo_HasOneActivationAndOneState()
    {
        var silos = SilosOf(_c);
        var id = Sample.Id("racine");
        await silos[0].GetGrain<IPartnershipGrain>(id).RegisterAsync(Sample.Profile());
        await silos[1].GetGrain<IPartnershipGrain>(id).RecordAssessmentAsync(Sample.ThroughSustaining());

        var infos = await Task.WhenAll(silos.Select(f => f.GetGrain<IPartnershipGrain>(id).GetAsync()).Append(_c.Partnership(id).GetAsync()));
        Assert.Single(infos.Select(i => i.Etag).Distinct());
        Assert.All(infos, i => Assert.Equal(GatewayStage.SystemsChange, i.Gateway));
        Assert.Single(await _c.HostsOfAsync(_c.Partnership(id)));

        // Three concurrent updates with the same etag, one through each silo: one activation orders them, one wins.
        var etag = infos[0].Etag;
        var updates = silos.Select((f, i) => f.GetGrain<IPartnershipGrain>(id).UpdateProfileAsync(Sample.Profile($"Name {i}"), ["display_name"], etag)).ToList();
        var outcomes = await Task.WhenAll(updates.Select(async u =>
        {
            try
            {
                return (await u).Profile.DisplayName;
            }
            catch (ConflictException)
            {
                return null;
            }
        }));
        var winner = Assert.Single(outcomes.OfType<string>());
        foreach (var silo in silos)
        {
            Assert.Equal(winner, (await silo.GetGrain<IPartnershipGrain>(id).GetAsync()).Profile.DisplayName);
        }

        Assert.Single(await _c.HostsOfAsync(_c.Partnership(id)));
    }

    [Fact]
    public async Task NetworkRollup_ConvergesToTheRecomputation_WithWritesSpreadOverSilos()
    {
        var silos = SilosOf(_c);
        var ids = Enumerable.Range(0, 24).Select(i => Sample.Id($"p{i}")).ToList();
        await Task.WhenAll(ids.Select((id, i) => silos[i % 3].GetGrain<IPartnershipGrain>(id).RegisterAsync(Sample.Profile(id, i % 2 == 0 ? "OH" : "WI"))));
        var assessed = ids.Where((_, i) => i % 3 == 0).ToList();
        await Task.WhenAll(assessed.Select((id, i) => silos[(i + 1) % 3].GetGrain<IPartnershipGrain>(id).RecordAssessmentAsync(Sample.ThroughSustaining())));
        var measured = ids.Where((_, i) => i % 4 == 0).ToList();
        await Task.WhenAll(measured.Select(async (id, i) =>
        {
            var indicator = silos[(i + 2) % 3].GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(id, "reading"));
            await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
            await indicator.SubmitAsync(0, Sample.Improving());
        }));

        var report = await GrainCluster.EventuallyAsync(
            () => _c.Network.RecomputeAsync(apply: false),
            r => r.Consistent && r.PartnershipCount >= ids.Count
                && r.Recomputed.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Improved >= measured.Count,
            "the rollup holds every write and equals its recomputation",
            seconds: 60);

        var known = await _c.Network.GetPartnershipIdsAsync();
        Assert.All(ids, id => Assert.Contains(id, known));
        var systemsChange = await _c.Network.ListPartnershipsAsync(new PartnershipFilter(GatewayStage.SystemsChange, null, null), 500, string.Empty);
        Assert.Equal(assessed.Order(StringComparer.Ordinal), systemsChange.Partnerships.Select(p => p.PartnershipId).Where(ids.Contains));
        var rollup = await _c.Network.GetRollupAsync();
        Assert.Equal(report.Recomputed.PartnershipCount, rollup.PartnershipCount);
        Assert.Equal(report.Recomputed.Gateways, rollup.Gateways);
        Assert.Equal(report.Recomputed.OutcomeTrends, rollup.OutcomeTrends);
        Assert.Single(await _c.HostsOfAsync(_c.Network));
    }

    private static List<IGrainFactory> SilosOf(GrainCluster c)
    {
        var silos = c.Cluster.GetActiveSilos().Select(GrainCluster.Through).ToList();
        Assert.Equal(3, silos.Count);
        return silos;
    }
}
