using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Silo.Demo;

namespace StriveNetwork.Demo.Tests;

/// <summary>A load interrupted half way through a partnership's assessments completes to the same network as a clean load.</summary>
public sealed class DemoResumeTests
{
    private static readonly DemoOptions Options = new() { PartnershipCount = 24 };

    [Fact]
    public async Task InterruptedLoad_CompletesToTheCleanLoadsNetwork_WithoutRecordingABatchTwice()
    {
        await using var clean = await DemoLoadFixture.StartClusterAsync();
        await new DemoNetwork(TimeProvider.System).LoadAsync(clean.Client, Options);

        await using var resumed = await DemoLoadFixture.StartClusterAsync();
        var plan = DemoPlan.Create(Options, DateOnly.FromDateTime(TimeProvider.System.GetUtcNow().UtcDateTime));
        var interrupted = plan.Partnerships.First(p => p.Assessments.Count >= 3);
        // What a crash after the first assessment batch leaves: registered, data in, one round of assessments.
        var grain = resumed.Client.GetGrain<IPartnershipGrain>(interrupted.PartnershipId);
        await grain.RegisterAsync(interrupted.Profile);
        foreach (var indicator in interrupted.Indicators)
        {
            var indicatorGrain = resumed.Client.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(interrupted.PartnershipId, indicator.IndicatorId));
            await indicatorGrain.DefineAsync(indicator.Spec);
            await indicatorGrain.SubmitAsync(indicator.Spec.DefinitionVersion, indicator.Rows);
        }

        await grain.RecordAssessmentAsync(interrupted.Assessments[0]);

        var summary = await new DemoNetwork(TimeProvider.System).LoadAsync(resumed.Client, Options);

        Assert.False(summary.AlreadyLoaded);
        foreach (var p in plan.Partnerships)
        {
            var expected = await clean.Client.GetGrain<IPartnershipGrain>(p.PartnershipId).GetProgressAsync();
            var actual = await resumed.Client.GetGrain<IPartnershipGrain>(p.PartnershipId).GetProgressAsync();
            Assert.Equal(expected.Gateway, actual.Gateway);
            Assert.Equal(Met(expected), Met(actual));
            Assert.Equal(Assessed(expected), Assessed(actual));
        }

        // Each batch once: the etag counts registration plus one revision per recorded batch.
        var info = await grain.GetAsync();
        Assert.Equal($"r{1 + interrupted.Assessments.Count}", info.Etag);
    }

    private static IEnumerable<Designation> Met(PartnershipProgress progress) => progress.Designations.Where(d => d.Met).Select(d => d.Designation);

    private static IEnumerable<string> Assessed(PartnershipProgress progress) =>
        progress.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks)
            .Select(b => $"{b.BenchmarkId}:{b.Status}:{b.LatestAssessment?.AssessmentDate}");
}
