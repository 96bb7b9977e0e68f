using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

public abstract class PartnershipFlowTests(StorageKind storage)
{
    private static readonly Outcome[] FourOutcomes =
        [Outcome.EarlyGradeReading, Outcome.MiddleGradeMath, Outcome.HighSchoolGraduation, Outcome.PostsecondaryEnrollment];

    [Fact]
    public async Task ProofPoint_AllPillarsAndFourImprovingOutcomes()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await SetUpAsync(c, "racine", "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");

        var progress = await GrainCluster.EventuallyAsync(
            () => c.Partnership("racine").GetProgressAsync(), p => p.Gateway == GatewayStage.ProofPoint, "racine reaches Proof Point");

        var proofPoint = progress.Designations.Single(d => d.Designation == Designation.ProofPoint);
        Assert.True(proofPoint.Met);
        Assert.All(proofPoint.Criteria, criterion => Assert.True(criterion.Met, criterion.Explanation));
        Assert.Equal(4, proofPoint.Criteria.Single(x => x.Kind == "CoreIndicatorOutcomes").Actual);
        Assert.Contains(Designation.ProofPoint, (await c.Partnership("racine").GetAsync()).Designations);
    }

    [Fact]
    public async Task ProofPoint_MissingPillar_NotMetAndNamed()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await SetUpAsync(c, "kenosha", "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1");

        var snapshot = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(), r => r.OutcomeTrends.Single(t => t.Outcome == Outcome.Employment).NotTracked == 1
                && r.OutcomeTrends.Single(t => t.Outcome == Outcome.MiddleGradeMath).Improved == 1, "trends reach the network");
        Assert.Equal(1, snapshot.PartnershipCount);

        var progress = await c.Partnership("kenosha").GetProgressAsync();
        Assert.Equal(GatewayStage.SystemsChange, progress.Gateway);
        var proofPoint = progress.Designations.Single(d => d.Designation == Designation.ProofPoint);
        Assert.False(proofPoint.Met);
        var pillars = proofPoint.Criteria.Single(x => x.Kind == "BenchmarksAcrossPillars");
        Assert.False(pillars.Met);
        Assert.Equal(3, pillars.Actual);
        Assert.Contains("Investment", pillars.Explanation, StringComparison.Ordinal);
        Assert.True(proofPoint.Criteria.Single(x => x.Kind == "CoreIndicatorOutcomes").Met);
        Assert.Equal(GatewayStage.SystemsChange, progress.NextGateway);
        Assert.Empty(progress.MissingBenchmarkIds);
    }

    [Fact]
    public async Task Rollup_FollowsStreams_AndEqualsRecompute()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await SetUpAsync(c, "racine", "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");
        await SetUpAsync(c, "kenosha", "6G-SC-SCV-1");
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Learn to Earn Dayton", "OH", "toa-5g-2016"));

        var rollup = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(),
            r => r.PartnershipCount == 3 && r.Designations.Single(d => d.Designation == Designation.ProofPoint).Count == 1,
            "three partnerships, one Proof Point");
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.ProofPoint).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(["toa-5g-2016", "toa-6g"], rollup.Frameworks.Select(f => f.FrameworkId));
        Assert.Equal(2, rollup.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Improved);
        Assert.Equal(1, rollup.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).NotTracked);
        Assert.Contains(rollup.History, y => y.Year == 2019);
        Assert.Equal(2026, rollup.History[^1].Year);

        var report = await c.Network.RecomputeAsync(apply: false);
        Assert.True(report.Consistent, string.Join("; ", report.Differences.Select(d => $"{d.Path}: {d.Streamed} vs {d.Recomputed}")));
        Assert.Equal(3, report.PartnershipCount);
        Assert.False(report.Applied);
    }

    [Fact]
    public async Task Redelivery_DoesNotDoubleCount()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var before = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");
        var snapshot = await c.Partnership("racine").GetSnapshotAsync();

        Assert.False(await c.Network.ApplySnapshotAsync(snapshot));
        Assert.False(await c.Network.ApplySnapshotAsync(snapshot with { Sequence = snapshot.Sequence - 1, Gateway = GatewayStage.Emerging }));

        var after = await c.Network.GetRollupAsync();
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(1, after.PartnershipCount);
        Assert.Equal(1, after.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task Recompute_ReportsAndRepairsADivergence()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var snapshot = await GrainCluster.EventuallyAsync(() => c.Partnership("racine").GetSnapshotAsync(), s => s.Sequence > 0, "snapshot");
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        // A forged newer snapshot makes the streamed rollup wrong on purpose.
        Assert.True(await c.Network.ApplySnapshotAsync(snapshot with { Sequence = snapshot.Sequence + 100, Gateway = GatewayStage.Sustaining }));
        var report = await c.Network.RecomputeAsync(apply: true);

        Assert.False(report.Consistent);
        Assert.Contains(report.Differences, d => d.Path == "gateways[Sustaining]" && d.Streamed == "1" && d.Recomputed == "0");
        Assert.True(report.Applied);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task Watcher_ReceivesTheNextVersion()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        var start = await c.Network.GetRollupAsync();
        var wait = c.Network.WaitForChangeAsync(start.Version, TimeSpan.FromSeconds(20));
        Assert.False(wait.IsCompleted);

        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var changed = await wait.WaitAsync(TimeSpan.FromSeconds(10));

        Assert.True(changed.Version > start.Version);
        Assert.Equal(1, changed.PartnershipCount);
    }

    [Fact]
    public async Task RecordAssessment_UnknownBenchmark_RejectedAndNothingChanges()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        var p = c.Partnership("racine");
        await p.RegisterAsync(Sample.Profile());
        await p.RecordAssessmentAsync(Sample.ThroughSustaining());
        var before = await p.GetAsync();

        var batch = new AssessmentBatch(
            [new AssessmentEntry("6G-SC-SCV-1", BenchmarkStatus.Met, string.Empty, Sample.Today, "J. Smith"),
             new AssessmentEntry("6G-NOPE-9", BenchmarkStatus.Met, string.Empty, Sample.Today, "J. Smith")], [], null);
        var error = await Assert.ThrowsAsync<GrainValidationException>(() => p.RecordAssessmentAsync(batch));

        Assert.Equal("assessments[1].benchmark_id", error.Field);
        Assert.Contains("'6G-NOPE-9'", error.Message, StringComparison.Ordinal);
        Assert.Contains("toa-6g", error.Message, StringComparison.Ordinal);
        var after = await p.GetAsync();
        Assert.Equal(before.Etag, after.Etag);
        Assert.Equal(BenchmarkStatus.NotStarted, (await p.GetProgressAsync()).Gateways
            .SelectMany(g => g.Pillars).SelectMany(x => x.Benchmarks).Single(b => b.BenchmarkId == "6G-SC-SCV-1").Status);
    }

    [Fact]
    public async Task BadInputs_GetPreciseErrors()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        var p = c.Partnership("racine");
        await Assert.ThrowsAsync<NotFoundException>(() => p.GetAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => c.Indicator("racine", "reading").DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading)));
        var badState = await Assert.ThrowsAsync<GrainValidationException>(() => p.RegisterAsync(Sample.Profile(state: "Wisconsin")));
        Assert.Equal("profile.us_state", badState.Field);
        await Assert.ThrowsAsync<NotFoundException>(() => p.RegisterAsync(Sample.Profile(framework: "toa-9g")));
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Partnership("Bad_Id").RegisterAsync(Sample.Profile()));

        var info = await p.RegisterAsync(Sample.Profile());
        await Assert.ThrowsAsync<AlreadyExistsException>(() => p.RegisterAsync(Sample.Profile()));
        await Assert.ThrowsAsync<ConflictException>(() => p.UpdateProfileAsync(Sample.Profile("New name"), ["display_name"], "r999"));
        var mask = await Assert.ThrowsAsync<GrainValidationException>(() => p.UpdateProfileAsync(Sample.Profile("New name"), ["nickname"], info.Etag));
        Assert.Equal("update_mask", mask.Field);
        var future = new AssessmentBatch([new AssessmentEntry("6G-EXP-SCV-1", BenchmarkStatus.Met, string.Empty, new DateOnly(2027, 1, 1), "J. Smith")], [], null);
        Assert.Equal("assessments[0].assessment_date", (await Assert.ThrowsAsync<GrainValidationException>(() => p.RecordAssessmentAsync(future))).Field);

        var updated = await p.UpdateProfileAsync(Sample.Profile("New name"), ["display_name"], info.Etag);
        Assert.Equal("New name", updated.Profile.DisplayName);
        Assert.Equal("WI", updated.Profile.UsState);
        Assert.NotEqual(info.Etag, updated.Etag);
    }

    [Fact]
    public async Task Observations_NumeratorAboveDenominator_RejectsWholeBatch()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 400, 1000)]);

        var error = await Assert.ThrowsAsync<GrainValidationException>(() => indicator.SubmitAsync(0,
            [Sample.Cell(2019, "all", "all", 450, 1000), Sample.Cell(2024, "all", "all", 15, 12)]));

        Assert.Contains("observations[1].counts.numerator: numerator 15 is above denominator 12", error.Message, StringComparison.Ordinal);
        var row = Assert.Single(error.Rows);
        Assert.Equal(ObservationErrorCode.NumeratorAboveDenominator, row.Code);
        var view = await indicator.GetAsync(0);
        Assert.Equal([2019], view.Indicator.Years);
        Assert.Equal(400, view.Series[0].Cells.Single(x => x.Gender == "all" && x.Population == "all").Rate.Numerator);
    }

    [Fact]
    public async Task Upload_StoresValidRows_ReportsBadOnes()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));

        var result = await indicator.UploadAsync(
            [new UploadRowInput(0, 0, Sample.Cell(2019, "all", "all", 400, 1000), "cia.csv:2"),
             new UploadRowInput(1, 0, Sample.Cell(2024, "all", "all", 0, 0), "cia.csv:3"),
             new UploadRowInput(2, 7, Sample.Cell(2024, "all", "all", 500, 1000), "cia.csv:4"),
             new UploadRowInput(3, 0, Sample.Cell(2019, "all", "all", 1, 1000), "cia.csv:5"),
             new UploadRowInput(4, 0, Sample.Cell(2024, "all", "martian", 1, 10), "cia.csv:6"),
             new UploadRowInput(5, 0, Sample.Cell(2024, "all", "all", 500, 1000), "cia.csv:7")],
            validateOnly: false);

        Assert.Equal(2, result.AcceptedCount);
        Assert.Equal(
            [ObservationErrorCode.ZeroDenominator, ObservationErrorCode.DefinitionVersionMismatch, ObservationErrorCode.DuplicateCell, ObservationErrorCode.UnknownGroup],
            result.Errors.Select(e => e.Code));
        Assert.Equal(["cia.csv:3", "cia.csv:4", "cia.csv:5", "cia.csv:6"], result.Errors.Select(e => e.ClientRef));
        Assert.Equal([2019, 2024], (await indicator.GetAsync(0)).Indicator.Years);
    }

    [Fact]
    public async Task Define_VersionRules()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        var spec = Sample.Indicator(Outcome.EarlyGradeReading);

        Assert.Equal(DefineResult.Created, (await indicator.DefineAsync(spec)).Result);
        Assert.Equal(DefineResult.Unchanged, (await indicator.DefineAsync(spec)).Result);
        Assert.Equal(DefineResult.UpdatedInPlace, (await indicator.DefineAsync(spec with { DisplayName = "Grade 3 reading" })).Result);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => indicator.DefineAsync(spec with { Polarity = Polarity.LowerIsBetter }));
        Assert.Equal(DefineResult.NewVersion, (await indicator.DefineAsync(spec with { DefinitionVersion = 2 })).Result);
        await Assert.ThrowsAsync<PreconditionFailedException>(() => indicator.DefineAsync(spec));
        await Assert.ThrowsAsync<PreconditionFailedException>(() => indicator.SubmitAsync(1, Sample.Improving()));
        Assert.Equal([1, 2], (await indicator.GetAsync(0)).Indicator.DefinitionVersions);
    }

    [Fact]
    public async Task Suppression_SmallHeadlineCell_NeverFeedsTrendOrSummary()
    {
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));

        // 2024 has only 8 students: below the minimum n of 10, so the clear drop from 40% to 0% must not show.
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 400, 1000), Sample.Cell(2024, "all", "all", 0, 8)]);

        var view = await indicator.GetAsync(0);
        var latest = view.Series.Single(y => y.Year == 2024).Cells.Single(x => x.Gender == "all" && x.Population == "all");
        Assert.Equal(RateState.Suppressed, latest.Rate.State);
        Assert.Null(latest.Rate.Value);
        Assert.Null(latest.Rate.Numerator);
        Assert.Null(latest.Rate.Denominator);
        Assert.Equal(TrendDirection.InsufficientData, view.Trend.Direction);
        Assert.NotEqual(DerivedState.Shown, view.Trend.Difference.State);
        Assert.Equal(10, view.MinimumN);
        var summary = await indicator.GetSummaryAsync();
        Assert.Equal(TrendDirection.InsufficientData, summary.Trend);
        Assert.All(summary.ByYear, y => Assert.Equal(TrendDirection.InsufficientData, y.Trend));

        // The partnership learns of the indicator through the stream.
        var card = await GrainCluster.EventuallyAsync(() => c.Partnership("racine").GetReportCardAsync(0), r => r.Outcomes.Count == 1, "the indicator reaches the report card");
        var entry = card.Outcomes.Single().Indicators.Single();
        Assert.Equal(RateState.Suppressed, entry.Latest.State);
        Assert.NotEqual(DerivedState.Shown, entry.ProgressToTargetPercent.State);
        var network = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(),
            r => r.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).InsufficientData == 1, "insufficient data reaches the network");
        Assert.Equal(0, network.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Worsened);
    }

    [Fact]
    public async Task Suppression_MinimumNComesFromSettings()
    {
        await using var c = await GrainCluster.StartAsync(storage, minimumN: 20);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, [Sample.Cell(2019, "all", "all", 6, 15)]);

        var view = await indicator.GetAsync(0);
        Assert.Equal(20, view.MinimumN);
        Assert.Equal(RateState.Suppressed, view.Series.Single().Cells.Single(x => x.Gender == "all" && x.Population == "all").Rate.State);
    }

    private static async Task SetUpAsync(GrainCluster c, string id, params string[] systemsChange)
    {
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        await p.RecordAssessmentAsync(Sample.ThroughSustaining(systemsChange));
        foreach (var outcome in FourOutcomes)
        {
            var indicatorId = $"core-{(int)outcome}";
            var indicator = c.Indicator(id, indicatorId);
            await indicator.DefineAsync(Sample.Indicator(outcome, $"core indicator {outcome}"));
            await indicator.SubmitAsync(0, Sample.Improving());
        }

        await GrainCluster.EventuallyAsync(
            () => p.GetSnapshotAsync(),
            s => s.OutcomeTrends.Count(t => t.Direction == TrendDirection.Improved) == FourOutcomes.Length,
            $"{id} holds its four improving indicator summaries");
    }
}

public sealed class MemoryPartnershipFlowTests() : PartnershipFlowTests(StorageKind.Memory);

public sealed class SqlitePartnershipFlowTests() : PartnershipFlowTests(StorageKind.Sqlite);
