using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Register, assess, progress, designations, indicators and report cards of single partnerships. The tests of a class
/// share one cluster and use distinct partnerships; network-wide assertions are in <see cref="NetworkFlowTests"/>.
/// </summary>
public abstract class PartnershipFlowTests(GrainCluster c)
{
    [Fact]
    public async Task ProofPoint_AllPillarsAndFourImprovingOutcomes()
    {
        var id = Sample.Id("racine");
        await Flows.SetUpAsync(c, id, "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");
        Assert.Equal(GatewayStage.SystemsChange, (await c.Partnership(id).GetProgressAsync()).Gateway); // met, not yet awarded
        var record = await c.Partnership(id).ReevaluateDesignationsAsync(null, "test");
        Assert.Equal([Designation.ProofPoint], record.HeldAfter);

        var progress = await GrainCluster.EventuallyAsync(
            () => c.Partnership(id).GetProgressAsync(), p => p.Gateway == GatewayStage.ProofPoint, "racine reaches Proof Point");

        var proofPoint = progress.Designations.Single(d => d.Designation == Designation.ProofPoint);
        Assert.True(proofPoint.Met);
        Assert.All(proofPoint.Criteria, criterion => Assert.True(criterion.Met, criterion.Explanation));
        Assert.Equal(4, proofPoint.Criteria.Single(x => x.Kind == CriterionKind.CoreIndicatorOutcomes).Actual);
        Assert.Contains(Designation.ProofPoint, (await c.Partnership(id).GetAsync()).Designations);
        Assert.Equal(GatewayStage.ProofPoint, (await c.Partnership(id).GetSnapshotAsync()).Gateway);
    }

    [Fact]
    public async Task ReportCard_ShowsTheIndicatorsOfTheYear()
    {
        var id = Sample.Id("racine");
        await c.Partnership(id).RegisterAsync(Sample.Profile());
        var indicator = c.Indicator(id, "reading");
        await indicator.DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading));
        await indicator.SubmitAsync(0, Sample.Improving());

        var card = await GrainCluster.EventuallyAsync(
            () => c.Partnership(id).GetReportCardAsync(0), r => r.Year == 2024, "the indicator's observations reach the report card");

        Assert.Equal(2024, card.Year);
        Assert.Equal(10, card.MinimumN);
        var outcome = Assert.Single(card.Outcomes);
        Assert.Equal(Outcome.EarlyGradeReading, outcome.Outcome);
        var entry = Assert.Single(outcome.Indicators);
        Assert.Equal("reading", entry.IndicatorId);
        Assert.Equal(RateState.Shown, entry.Latest.State);
        Assert.Equal(50, entry.Latest.Value);
        Assert.Equal(40, entry.Baseline.Value);
        Assert.Equal(TrendDirection.Improved, entry.Trend.Direction);
        Assert.Equal(["reading"], await c.Partnership(id).GetIndicatorIdsAsync());

        var ofBaseline = await c.Partnership(id).GetReportCardAsync(2019);
        Assert.Equal(2019, ofBaseline.Year);
        Assert.Equal(40, ofBaseline.Outcomes.Single().Indicators.Single().Latest.Value);
        Assert.Equal("year", (await Assert.ThrowsAsync<GrainValidationException>(() => c.Partnership(id).GetReportCardAsync(1989))).Field);
    }

    [Fact]
    public async Task RecordAssessment_UnknownBenchmark_RejectedAndNothingChanges()
    {
        var p = c.Partnership(Sample.Id("racine"));
        await p.RegisterAsync(Sample.Profile());
        await p.RecordAssessmentAsync(Sample.ThroughSustaining());
        var before = await p.GetAsync();

        var batch = new AssessmentBatch(
            [new AssessmentEntry("6G-SC-SCV-1", BenchmarkStatus.Met, string.Empty, Sample.Today, "J. Smith"),
             new AssessmentEntry("6G-NOPE-9", BenchmarkStatus.Met, string.Empty, Sample.Today, "J. Smith")], [], null);
        var error = await Assert.ThrowsAsync<GrainValidationException>(() => p.RecordAssessmentAsync(batch));

        Assert.Equal("assessments[1].benchmark_id", error.Field);
        // The message names the field and the rule, never the value the client sent.
        Assert.DoesNotContain("6G-NOPE-9", error.Message, StringComparison.Ordinal);
        Assert.Contains("toa-6g", error.Message, StringComparison.Ordinal);
        var after = await p.GetAsync();
        Assert.Equal(before.Etag, after.Etag);
        Assert.Equal(BenchmarkStatus.NotStarted, (await p.GetProgressAsync()).Gateways
            .SelectMany(g => g.Pillars).SelectMany(x => x.Benchmarks).Single(b => b.BenchmarkId == "6G-SC-SCV-1").Status);
    }

    [Fact]
    public async Task BadInputs_GetPreciseErrors()
    {
        var id = Sample.Id("racine");
        var p = c.Partnership(id);
        await Assert.ThrowsAsync<NotFoundException>(() => p.GetAsync());
        await Assert.ThrowsAsync<NotFoundException>(() => c.Indicator(id, "reading").DefineAsync(Sample.Indicator(Outcome.EarlyGradeReading)));
        var badState = await Assert.ThrowsAsync<GrainValidationException>(() => p.RegisterAsync(Sample.Profile(state: "Wisconsin")));
        Assert.Equal("profile.us_state", badState.Field);
        await Assert.ThrowsAsync<NotFoundException>(() => p.RegisterAsync(Sample.Profile(framework: "toa-9g")));
        await Assert.ThrowsAsync<GrainValidationException>(() => c.Partnership("Bad_Id").RegisterAsync(Sample.Profile()));

        var info = await p.RegisterAsync(Sample.Profile());
        await Assert.ThrowsAsync<AlreadyExistsException>(() => p.RegisterAsync(Sample.Profile()));
        await Assert.ThrowsAsync<ConflictException>(() => p.UpdateProfileAsync(Sample.Profile("New name"), ["display_name"], "r999"));
        var mask = await Assert.ThrowsAsync<GrainValidationException>(() => p.UpdateProfileAsync(Sample.Profile("New name"), ["nickname"], info.Etag));
        Assert.Equal("update_mask", mask.Field);
        var tomorrow = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(2);
        var future = new AssessmentBatch([new AssessmentEntry("6G-EXP-SCV-1", BenchmarkStatus.Met, string.Empty, tomorrow, "J. Smith")], [], null);
        Assert.Equal("assessments[0].assessment_date", (await Assert.ThrowsAsync<GrainValidationException>(() => p.RecordAssessmentAsync(future))).Field);

        var updated = await p.UpdateProfileAsync(Sample.Profile("New name"), ["display_name"], info.Etag);
        Assert.Equal("New name", updated.Profile.DisplayName);
        Assert.Equal("WI", updated.Profile.UsState);
        Assert.NotEqual(info.Etag, updated.Etag);
    }

    [Fact]
    public async Task Observations_NumeratorAboveDenominator_RejectsWholeBatch()
    {
        var id = Sample.Id("racine");
        await c.Partnership(id).RegisterAsync(Sample.Profile());
        var indicator = c.Indicator(id, "reading");
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
        var id = Sample.Id("racine");
        await c.Partnership(id).RegisterAsync(Sample.Profile());
        var indicator = c.Indicator(id, "reading");
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
        var id = Sample.Id("racine");
        await c.Partnership(id).RegisterAsync(Sample.Profile());
        var indicator = c.Indicator(id, "reading");
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
}

public sealed class MemoryPartnershipFlowTests(MemoryClusterFixture fixture)
    : PartnershipFlowTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

public sealed class SqlitePartnershipFlowTests(SqliteClusterFixture fixture)
    : PartnershipFlowTests(fixture.Cluster), IClassFixture<SqliteClusterFixture>;
