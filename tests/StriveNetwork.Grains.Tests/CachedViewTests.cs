using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The grains' cached views (docs/adr/0014) are never stale: a read after a write's reply shows the write, whichever
/// write it was, and the views are recomputed after a settings or rules change; the activations announce their
/// versions to the silo's <see cref="ActivationVersions"/> and withdraw them when they deactivate.
/// </summary>
public abstract class CachedViewTests(GrainCluster c)
{
    private ActivationVersions Versions => c.Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredService<ActivationVersions>();

    [Fact]
    public async Task Progress_ReadAfterEachWrite_ShowsTheWrite()
    {
        var id = Sample.Id("cache");
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        var first = await p.GetProgressAsync();
        Assert.Equal(first.Gateway, (await p.GetProgressAsync()).Gateway);
        Assert.DoesNotContain(first.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks), b => b.Status == BenchmarkStatus.Met);

        // Assessments.
        await p.RecordAssessmentAsync(Sample.ThroughSustaining());
        var assessed = await p.GetProgressAsync();
        Assert.Contains(assessed.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks), b => b.Status == BenchmarkStatus.Met);
        Assert.NotEqual(first.Gateway, assessed.Gateway);

        // A systems-change example (a write with an example, no assessment).
        var example = new SystemsChangeEntry("ex-1", "a district adopted the shared reading plan", Sample.Today);
        await p.RecordAssessmentAsync(new AssessmentBatch([], [example], null));
        Assert.Contains((await p.GetProgressAsync()).SystemsChangeExamples, e => e.ExampleId == "ex-1");

        // Settings: the next scheduled re-evaluation follows the period.
        var settings = await p.GetSettingsAsync();
        var due = (await p.GetProgressAsync()).NextReevaluationDue;
        await p.UpdateSettingsAsync(settings.Settings with { ReevaluationPeriodMonths = settings.Settings.ReevaluationPeriodMonths + 6 }, settings.Etag, "admin");
        Assert.Equal(due!.Value.AddMonths(6), (await p.GetProgressAsync()).NextReevaluationDue);

        // A re-evaluation.
        Assert.Null((await p.GetProgressAsync()).LastReevaluation);
        var record = await p.ReevaluateDesignationsAsync(null, "admin");
        Assert.Equal(record.RecordTime, (await p.GetProgressAsync()).LastReevaluation?.RecordTime);

        // A profile update that changes the framework: other rules, other gateways.
        var info = await p.GetAsync();
        await p.UpdateProfileAsync(info.Profile with { FrameworkId = "toa-5g-2016" }, ["framework_id"], info.Etag);
        var moved = await p.GetProgressAsync();
        Assert.Equal("toa-5g-2016", moved.FrameworkId);
        Assert.Equal("toa-5g-2016", (await p.GetAsync()).Profile.FrameworkId);
    }

    [Fact]
    public async Task Progress_IndicatorSummaryApplied_ShowsIt()
    {
        var id = Sample.Id("cache-ind");
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        var before = Counted(await p.GetProgressAsync());
        var snapshot = await p.GetSnapshotAsync();
        Assert.DoesNotContain(snapshot.OutcomeTrends, t => t.Direction == TrendDirection.Improved);

        // The summary as an indicator's outbox delivers it; its reply means the partnership has applied it.
        var indicator = c.Indicator(id, "core-reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, Sample.Improving());
        var summary = await indicator.GetSummaryAsync();
        await p.ApplyIndicatorSummaryAsync(summary);

        Assert.Contains(await p.GetIndicatorIdsAsync(), i => i == "core-reading");
        Assert.Contains((await p.GetSnapshotAsync()).OutcomeTrends, t => t.Outcome == Outcome.EarlyGradeReading && t.Direction == TrendDirection.Improved);
        Assert.True(Counted(await p.GetProgressAsync()) > before, "the improving core indicator is counted by a criterion");
    }

    [Fact]
    public async Task IndicatorViews_ReadAfterObservationsAndSettings_ShowThem()
    {
        var id = Sample.Id("cache-obs");
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        var indicator = c.Indicator(id, "core-reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 400, 1000)]);
        Assert.Equal([2019], (await indicator.GetAsync(0)).Series.Select(y => y.Year));
        Assert.Equal([2019], (await indicator.GetAsync(1)).Series.Select(y => y.Year));
        Assert.Equal(2019, (await indicator.GetReportCardEntryAsync(0))!.LatestYear);

        // Observations: every view shows them on the next read (the report card asks each indicator).
        await indicator.SubmitAsync(0, [Sample.Cell(2024, "all", "all", 500, 1000)]);
        Assert.Equal([2019, 2024], (await indicator.GetAsync(0)).Series.Select(y => y.Year));
        Assert.Equal([2019, 2024], (await indicator.GetAsync(1)).Series.Select(y => y.Year));
        Assert.Equal(2024, (await indicator.GetReportCardEntryAsync(0))!.LatestYear);
        Assert.Equal(2024, (await indicator.GetReportCardEntryAsync(2024))!.LatestYear);
        await GrainCluster.EventuallyAsync(() => p.GetIndicatorIdsAsync(), ids => ids.Count == 1, "the partnership holds the indicator's summary");
        var card = await p.GetReportCardAsync(2024);
        Assert.Equal(500, Assert.Single(card.Outcomes.SelectMany(o => o.Indicators)).Latest.Numerator);

        // Replacing a cell: the same years, other counts.
        await indicator.SubmitAsync(0, [Sample.Cell(2024, "all", "all", 600, 1000)]);
        Assert.Equal(600, Assert.Single((await p.GetReportCardAsync(2024)).Outcomes.SelectMany(o => o.Indicators)).Latest.Numerator);

        // Settings pushed by the partnership: the indicator computes with the new minimum n at once.
        var settings = await p.GetSettingsAsync();
        await p.UpdateSettingsAsync(settings.Settings with { MinimumN = 5000 }, settings.Etag, "admin");
        Assert.Equal(5000, (await indicator.GetAsync(0)).MinimumN);
        Assert.Equal(TrendDirection.InsufficientData, (await indicator.GetAsync(0)).Trend.Direction);
        Assert.Equal(5000, (await p.GetReportCardAsync(2024)).MinimumN);
    }

    [Fact]
    public async Task Versions_AnnouncedOnActivationAndEveryWrite_WithdrawnOnDeactivation()
    {
        var id = Sample.Id("cache-ver");
        var p = c.Partnership(id);
        var source = new ViewSource(ViewSourceKind.Partnership, id);
        await p.RegisterAsync(Sample.Profile(id));
        Assert.True(Versions.TryGet(source, out var registered));

        await p.GetProgressAsync();
        Assert.True(Versions.TryGet(source, out var read));
        Assert.Equal(registered, read); // reads never write, nor change the version

        await p.RecordAssessmentAsync(Sample.ThroughSustaining());
        Assert.True(Versions.TryGet(source, out var written));
        Assert.True(written > registered, "a write announces a greater version before its reply");

        await c.Cluster.DeactivateAsync(p);
        Assert.False(Versions.TryGet(source, out _), "a deactivated activation withdraws its version");

        // A new activation announces a version no earlier activation had.
        await p.GetProgressAsync();
        Assert.True(Versions.TryGet(source, out var reactivated));
        Assert.True(reactivated > written);

        var indicator = c.Indicator(id, "core-reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        Assert.True(Versions.TryGet(new ViewSource(ViewSourceKind.Indicator, GrainKeys.IndicatorKey(id, "core-reading")), out _));
    }

    [Fact]
    public async Task FailedWrite_LeavesNoViewOfTheUncommittedState()
    {
        var id = Sample.Id("cache-fail");
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        var before = await p.GetProgressAsync();
        Assert.True(Versions.TryGet(new ViewSource(ViewSourceKind.Partnership, id), out var version));

        c.StorageFaults.RefuseNextWritesOf("partnership");
        await Assert.ThrowsAnyAsync<Exception>(() => p.RecordAssessmentAsync(Sample.ThroughSustaining()));
        Assert.False(Versions.TryGet(new ViewSource(ViewSourceKind.Partnership, id), out var after) && after == version,
            "a failed write never leaves the version announced before it");

        var progress = await p.GetProgressAsync();
        Assert.Equal(before.Gateway, progress.Gateway);
        Assert.DoesNotContain(progress.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks), b => b.Status == BenchmarkStatus.Met);
    }

    /// <summary>Everything the designation criteria count (examples, indicators, benchmarks, designations).</summary>
    private static double Counted(PartnershipProgress progress) => progress.Designations.SelectMany(d => d.Criteria).Sum(c => c.Actual);
}

public sealed class MemoryCachedViewTests(MemoryClusterFixture fixture)
    : CachedViewTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

/// <summary>The progress view follows the date: it evaluates designations as of today (UTC).</summary>
public sealed class CachedViewDateTests : IAsyncLifetime
{
    private readonly ShiftedClock _clock = new() { Offset = TimeSpan.FromDays(2) };
    private GrainCluster _cluster = null!;

    public async Task InitializeAsync() => _cluster = await GrainCluster.StartAsync(new GrainClusterOptions { Clock = _clock });

    public async Task DisposeAsync() => await _cluster.DisposeAsync();

    [Fact]
    public async Task Progress_DateChanges_IsRecomputed()
    {
        var id = Sample.Id("cache-date");
        var p = _cluster.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        var today = DateOnly.FromDateTime(_clock.GetUtcNow().UtcDateTime);
        await p.RecordAssessmentAsync(new AssessmentBatch([], [new SystemsChangeEntry("ex-1", "adopted the plan", today)], null));
        Assert.Equal(1, ExamplesCounted(await p.GetProgressAsync()));

        // Two days earlier the example had not happened: the cached view of "today" is not served.
        _clock.Offset = TimeSpan.Zero;
        Assert.Equal(0, ExamplesCounted(await p.GetProgressAsync()));

        _clock.Offset = TimeSpan.FromDays(2);
        Assert.Equal(1, ExamplesCounted(await p.GetProgressAsync()));
    }

    private static double ExamplesCounted(PartnershipProgress progress) =>
        progress.Designations.SelectMany(d => d.Criteria).Where(c => c.Unit == "examples").Select(c => c.Actual).DefaultIfEmpty(-1).Max();
}
