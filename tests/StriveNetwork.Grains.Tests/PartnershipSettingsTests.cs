using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>Per-partnership rule settings: validated with field names, etag-guarded, recorded, pushed to indicators.</summary>
public abstract class PartnershipSettingsTests(GrainCluster c)
{
    [Fact]
    public async Task Settings_AreValidatedRecordedAndUsedByTheIndicators()
    {
        var id = Sample.Id("racine");
        var p = c.Partnership(id);
        await Flows.SetUpAsync(c, id);
        var indicator = c.Indicator(id, $"core-{(int)Outcome.EarlyGradeReading}");

        var view = await p.GetSettingsAsync();
        Assert.Equal(10, view.Settings.MinimumN);
        Assert.Equal(12, view.Settings.ReevaluationPeriodMonths);
        Assert.Empty(view.Changes);
        Assert.Equal(10, (await indicator.GetAsync(0)).MinimumN);

        var bad = await Assert.ThrowsAsync<GrainValidationException>(() => p.UpdateSettingsAsync(view.Settings with { MinimumN = 0 }, view.Etag, "admin"));
        Assert.Equal("settings.minimum_n", bad.Field);
        Assert.Equal("settings.reevaluation_period_months",
            (await Assert.ThrowsAsync<GrainValidationException>(() => p.UpdateSettingsAsync(view.Settings with { ReevaluationPeriodMonths = 0 }, view.Etag, "admin"))).Field);
        await Assert.ThrowsAsync<ConflictException>(() => p.UpdateSettingsAsync(view.Settings with { MinimumN = 20 }, "s999", "admin"));

        var updated = await p.UpdateSettingsAsync(view.Settings with { MinimumN = 2000, ReevaluationPeriodMonths = 6 }, view.Etag, "admin-token");
        Assert.NotEqual(view.Etag, updated.Etag);
        var change = Assert.Single(updated.Changes);
        Assert.Equal(("admin-token", 10, 2000), (change.ChangedBy, change.Before.MinimumN, change.After.MinimumN));

        // The indicator recomputes with the partnership's minimum n: the 1,000-student headline is now suppressed,
        // so its trend is insufficient data, in the indicator and in what the partnership holds.
        var shown = await indicator.GetAsync(0);
        Assert.Equal(2000, shown.MinimumN);
        Assert.Equal(TrendDirection.InsufficientData, shown.Trend.Direction);
        await GrainCluster.EventuallyAsync(() => p.GetSnapshotAsync(),
            s => s.OutcomeTrends.Single(t => t.Outcome == Outcome.EarlyGradeReading).Direction == TrendDirection.InsufficientData,
            "the partnership holds the recomputed summary");
        Assert.Equal(2000, (await p.GetReportCardAsync(0)).MinimumN);

        // Idempotent: the same settings again change nothing.
        var again = await p.UpdateSettingsAsync(updated.Settings, updated.Etag, "admin-token");
        Assert.Equal(updated.Etag, again.Etag);
        Assert.Single(again.Changes);

        // A new indicator starts with the partnership's settings.
        var later = c.Indicator(id, "late");
        await later.DefineAsync(Sample.Indicator(Outcome.Employment, "late indicator"));
        Assert.Equal(2000, (await later.GetAsync(0)).MinimumN);
    }
}

public sealed class MemoryPartnershipSettingsTests(MemoryClusterFixture fixture)
    : PartnershipSettingsTests(fixture.Cluster), IClassFixture<MemoryClusterFixture>;

public sealed class SqlitePartnershipSettingsTests(SqliteClusterFixture fixture)
    : PartnershipSettingsTests(fixture.Cluster), IClassFixture<SqliteClusterFixture>;
