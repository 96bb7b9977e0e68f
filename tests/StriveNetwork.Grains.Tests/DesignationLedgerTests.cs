using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Designations are held only through the ledger: awarded, renewed and lapsed by recorded re-evaluations.</summary>
public abstract class DesignationLedgerTests(GrainCluster c)
{
    private static readonly DateOnly Today = DateOnly.FromDateTime(DateTime.UtcNow);

    [Fact]
    public async Task Reevaluation_AwardsAndLapses_ReadsNeverDo()
    {
        var id = Sample.Id("racine");
        var p = c.Partnership(id);
        await Flows.SetUpAsync(c, id, "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");

        var before = await p.GetProgressAsync();
        Assert.True(before.Designations.Single(d => d.Designation == Designation.ProofPoint).Met); // the live evaluation
        Assert.Empty(before.Standing);
        Assert.Null(before.LastReevaluation);
        Assert.Equal(GatewayStage.SystemsChange, before.Gateway);
        Assert.Empty((await p.GetSnapshotAsync()).Designations);

        var awarded = await p.ReevaluateDesignationsAsync(Sample.Today, "admin-token");
        Assert.Equal(ReevaluationTrigger.Request, awarded.Trigger);
        Assert.Equal("admin-token", awarded.TriggeredBy);
        Assert.Equal("toa-6g", awarded.FrameworkId);
        Assert.True(awarded.RulesRevision >= 2);
        var award = Assert.Single(awarded.Events);
        Assert.Equal(("proof-point", DesignationEventKind.Awarded, Sample.Today), (award.DesignationId, award.Kind, award.Date));
        Assert.Equal(Sample.Today.AddMonths(12), award.ReevaluationDue);
        Assert.Contains(award.Evaluation.Criteria, x => x.Kind == CriterionKind.CoreIndicatorOutcomes && x.Actual == 4);
        Assert.Equal([Designation.ProofPoint], awarded.HeldAfter);
        Assert.Equal(GatewayStage.ProofPoint, awarded.GatewayAfter);

        var progress = await p.GetProgressAsync();
        Assert.Equal(GatewayStage.ProofPoint, progress.Gateway);
        var standing = Assert.Single(progress.Standing);
        Assert.Equal((Designation.ProofPoint, Sample.Today, true), (standing.Designation, standing.AwardDate, standing.Shown));
        Assert.Equal(awarded.Date, progress.LastReevaluation!.Date);
        Assert.Equal([Designation.ProofPoint], (await p.GetSnapshotAsync()).Designations);

        // Dates ascend; the same date returns the record; the future is refused.
        Assert.Equal(awarded.RecordTime, (await p.ReevaluateDesignationsAsync(Sample.Today, "again")).RecordTime);
        var early = await Assert.ThrowsAsync<GrainValidationException>(() => p.ReevaluateDesignationsAsync(Sample.Today.AddDays(-1), "x"));
        Assert.Equal("as_of", early.Field);
        Assert.Equal("as_of", (await Assert.ThrowsAsync<GrainValidationException>(() => p.ReevaluateDesignationsAsync(Today.AddDays(1), "x"))).Field);

        // Benchmarks withdrawn: nothing changes until a re-evaluation records the lapse.
        await p.RecordAssessmentAsync(new AssessmentBatch(
            [new AssessmentEntry("6G-EXP-SCV-1", BenchmarkStatus.InProgress, "withdrawn", Today, "StriveTogether review")], [], null));
        var withdrawn = await p.GetProgressAsync();
        Assert.Equal(GatewayStage.Exploring, withdrawn.Gateway);
        Assert.False(Assert.Single(withdrawn.Standing).Shown);
        Assert.Contains("Proof Point stands but is not shown", withdrawn.Explanation, StringComparison.Ordinal);
        Assert.Contains("prerequisite missing", withdrawn.Designations.Single(d => d.Designation == Designation.ProofPoint).Explanation, StringComparison.Ordinal);

        var lapsed = await p.ReevaluateDesignationsAsync(null, "admin-token");
        Assert.Equal(Today, lapsed.Date);
        Assert.Equal(DesignationEventKind.Lapsed, Assert.Single(lapsed.Events).Kind);
        var after = await p.GetProgressAsync();
        Assert.Empty(after.Standing);
        Assert.Equal([DesignationEventKind.Awarded, DesignationEventKind.Lapsed], after.DesignationHistory.Select(e => e.Kind));
        Assert.Empty((await p.GetSnapshotAsync()).Designations);
    }

    [Fact]
    public async Task StateWithoutALedger_IsReevaluatedOnceAsAMigration()
    {
        var id = Sample.Id("legacy");
        var p = c.Partnership(id);
        await Flows.SetUpAsync(c, id, "6G-SC-SCV-1", "6G-SC-EBDM-1", "6G-SC-CA-1", "6G-SC-IS-1");
        await c.Cluster.DeactivateAsync(p);

        // The shape written before the ledger: no re-evaluations; the last snapshot showed what every read evaluated.
        await c.WriteStoredAsync<PartnershipState>("partnership", p, s => s with
        {
            Reevaluations = null,
            LastSnapshot = s.LastSnapshot! with { Gateway = GatewayStage.SystemsTransformation, Designations = [Designation.ProofPoint, Designation.SystemsTransformation] },
        });

        var progress = await p.GetProgressAsync();
        var migration = progress.LastReevaluation!;
        Assert.Equal(ReevaluationTrigger.Migration, migration.Trigger);
        Assert.Equal([Designation.ProofPoint, Designation.SystemsTransformation], migration.HeldBefore);
        Assert.Equal(GatewayStage.SystemsTransformation, migration.GatewayBefore);
        Assert.Equal([Designation.ProofPoint], migration.HeldAfter); // the sequence: Systems Transformation needs a Proof Point that stood before
        Assert.Equal(GatewayStage.ProofPoint, progress.Gateway);
        Assert.Contains("held", migration.Note, StringComparison.Ordinal);

        await c.Cluster.DeactivateAsync(p);
        var again = await p.GetProgressAsync();
        Assert.Equal(migration.RecordTime, again.LastReevaluation!.RecordTime); // once only
        var stored = await c.ReadStoredAsync<PartnershipState>("partnership", p);
        Assert.Single(stored!.Reevaluations!);
    }
}

public sealed class MemoryDesignationLedgerTests(MemoryClusterFixture fixture)
    : DesignationLedgerTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

public sealed class SqliteDesignationLedgerTests(SqliteClusterFixture fixture)
    : DesignationLedgerTests(fixture.Cluster), IClassFixture<SqliteClusterFixture>;
