using System.Diagnostics;
using Orleans.TestingHost;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Silo.Demo;

namespace StriveNetwork.Demo.Tests;

/// <summary>The whole demo loaded once into an in-process cluster with the real grains (memory storage).</summary>
public sealed class DemoLoadFixture : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    public InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("not started");

    public IGrainFactory Grains => Cluster.Client;

    public DemoSummary Summary { get; private set; } = null!;

    public NetworkRollup Rollup { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        _cluster = await StartClusterAsync();
        Summary = await new DemoNetwork(TimeProvider.System).LoadAsync(Grains, new DemoOptions());
        Rollup = await WaitForRollupAsync(r => r.PartnershipCount == 70 && r.Designations.Sum(d => d.Count) > 0);
    }

    /// <summary>An in-process Orleans cluster (one silo) with the real grains on memory storage, as the demo tests use it.</summary>
    public static async Task<InProcessTestCluster> StartClusterAsync()
    {
        var builder = new InProcessTestClusterBuilder(1);
        builder.ConfigureSilo((_, silo) => silo.AddMemoryGrainStorageAsDefault().UseInMemoryReminderService());
        builder.ConfigureSiloHost((_, host) => host.Services.AddStriveGrains());
        var cluster = builder.Build();
        await cluster.DeployAsync();
        return cluster;
    }

    /// <summary>
    /// Polls until the streamed rollup satisfies <paramref name="done"/> (snapshots arrive through streams after the
    /// writes return); bounded by 60 s and 5,000 polls. Returns the last rollup either way: the caller asserts.
    /// </summary>
    public async Task<NetworkRollup> WaitForRollupAsync(Func<NetworkRollup, bool> done)
    {
        var network = Grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);
        var clock = Stopwatch.StartNew();
        NetworkRollup rollup;
        var polls = 0;
        while (!done(rollup = await network.GetRollupAsync()) && clock.Elapsed < TimeSpan.FromSeconds(60) && ++polls < 5_000)
        {
            await Task.Delay(25);
        }

        return rollup;
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }
}

public sealed class DemoLoadTests(DemoLoadFixture fixture) : IClassFixture<DemoLoadFixture>
{
    [Fact]
    public void Load_WritesSeventyPartnershipsAndThreeCohorts()
    {
        Assert.False(fixture.Summary.AlreadyLoaded);
        Assert.Equal(70, fixture.Summary.PartnershipCount);
        Assert.Equal(3, fixture.Summary.CohortCount);
        Assert.True(fixture.Summary.ObservationCount > 50_000, $"{fixture.Summary.ObservationCount} observations");
    }

    [Fact]
    public async Task Load_SpreadsGatewaysAndGrantsDesignations()
    {
        static int Count(NetworkRollup r, GatewayStage stage) => r.Gateways.FirstOrDefault(g => g.Gateway == stage)?.Count ?? 0;
        var rollup = await fixture.WaitForRollupAsync(r => Count(r, GatewayStage.SystemsTransformation) == 6 && Count(r, GatewayStage.SystemsChange) == 18 && Count(r, GatewayStage.Exploring) == 9);
        int In(GatewayStage stage) => rollup.Gateways.FirstOrDefault(g => g.Gateway == stage)?.Count ?? 0;
        int Holding(Designation d) => rollup.Designations.FirstOrDefault(c => c.Designation == d)?.Count ?? 0;
        var shown = string.Join(", ", rollup.Gateways.Select(g => $"{g.Gateway}={g.Count}")) + " | " + string.Join(", ", rollup.Designations.Select(d => $"{d.Designation}={d.Count}"));
        Assert.True(In(GatewayStage.SystemsChange) == 18, shown);
        Assert.Equal(70, rollup.Gateways.Sum(g => g.Count));
        Assert.Equal(9, In(GatewayStage.Exploring));
        Assert.Equal(13, In(GatewayStage.Emerging));
        Assert.Equal(16, In(GatewayStage.Sustaining));
        Assert.Equal(8, In(GatewayStage.ProofPoint));
        Assert.Equal(6, In(GatewayStage.SystemsTransformation));
        Assert.Equal(14, Holding(Designation.ProofPoint));
        Assert.Equal(6, Holding(Designation.SystemsTransformation));
        Assert.Equal(12, Holding(Designation.OngoingProofPoint));
        Assert.Equal(2, rollup.Frameworks.Count);
        Assert.Equal(14, rollup.Frameworks.Single(f => f.FrameworkId == "toa-5g-2016").PartnershipCount);
        Assert.All(rollup.OutcomeTrends, o => Assert.Equal(70, o.Improved + o.Maintained + o.Worsened + o.InsufficientData + o.NotTracked));
        Assert.True(rollup.Gaps.Reduced + rollup.Gaps.Eliminated > 20, $"gaps: {rollup.Gaps}");
        Assert.True(rollup.History.Count >= 5, $"history years: {string.Join(",", rollup.History.Select(y => y.Year))}");
    }

    [Fact]
    public async Task Load_RollupEqualsTheRecomputation()
    {
        await fixture.WaitForRollupAsync(_ => true);
        var network = fixture.Grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);
        RecomputeReport report = null!;
        for (var attempt = 0; attempt < 200; attempt++)
        {
            report = await network.RecomputeAsync(apply: false);
            if (report.Consistent)
            {
                break;
            }

            await Task.Delay(50);
        }

        Assert.True(report.Consistent, string.Join("; ", report.Differences.Select(d => $"{d.Path}: {d.Streamed} vs {d.Recomputed}")));
        Assert.Equal(70, report.PartnershipCount);
    }

    [Fact]
    public async Task Load_SuppressesSmallCellsOnReportCards()
    {
        var plan = DemoPlan.Create(new DemoOptions(), DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));
        var suppressed = 0;
        var shown = 0;
        foreach (var p in plan.Partnerships.Take(8))
        {
            var card = await fixture.Grains.GetGrain<IPartnershipGrain>(p.PartnershipId).GetReportCardAsync(0);
            foreach (var cell in card.Outcomes.SelectMany(o => o.Indicators).SelectMany(i => i.Disaggregated))
            {
                if (cell.Rate.State is RateState.Suppressed or RateState.SuppressedAtSource)
                {
                    suppressed++;
                    Assert.Null(cell.Rate.Value);
                    Assert.Null(cell.Rate.Numerator);
                }
                else if (cell.Rate.State == RateState.Shown)
                {
                    shown++;
                    Assert.True(cell.Rate.Denominator is null || cell.Rate.Denominator >= card.MinimumN);
                }
            }
        }

        Assert.True(suppressed > 0, "small groups are suppressed");
        Assert.True(shown > suppressed, $"{shown} shown, {suppressed} suppressed");
    }

    [Fact]
    public async Task Load_CohortsHaveMembersAndComparisons()
    {
        foreach (var id in fixture.Summary.CohortIds)
        {
            var cohort = fixture.Grains.GetGrain<ICohortGrain>(id);
            var rollup = await cohort.GetRollupAsync();
            Assert.InRange(rollup.MemberCount, 5, 12);
            var matrices = await cohort.CompareBenchmarksAsync(null);
            Assert.Equal(rollup.MemberCount, matrices.Sum(m => m.Rows.Count));
        }
    }

    [Fact]
    public async Task Load_SecondTimeWritesNothing()
    {
        var before = await fixture.WaitForRollupAsync(_ => true);
        var again = await new DemoNetwork(TimeProvider.System).LoadAsync(fixture.Grains, new DemoOptions());
        Assert.True(again.AlreadyLoaded);
        var after = await fixture.Grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey).GetRollupAsync();
        Assert.Equal(before.PartnershipCount, after.PartnershipCount);
        var page = await fixture.Grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey).ListPartnershipsAsync(new PartnershipFilter(null, null, null), 500, string.Empty);
        Assert.Equal(70, page.TotalSize);
    }
}
