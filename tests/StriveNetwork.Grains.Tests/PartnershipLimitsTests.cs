using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// What one partnership stores stays bounded however often a client writes: the assessment history is retained by
/// <see cref="AssessmentRetention"/>, systems-change examples are capped, the settings audit trail keeps the latest.
/// </summary>
public sealed class PartnershipLimitsTests
{
    private static readonly string Note = new('n', 4_000);

    [Fact]
    public async Task RepeatedAssessments_KeepTheStoredHistoryBounded_AndTheProgressExact()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        var benchmarks = Sample.ThroughSustaining().Assessments;

        // 60 batches of every benchmark on 60 dates across three years, the last of them Met, all with long notes.
        const int Batches = 60;
        for (var i = Batches - 1; i >= 0; i--)
        {
            var status = i == 0 ? BenchmarkStatus.Met : BenchmarkStatus.InProgress;
            var date = Sample.Today.AddDays(-20 * i);
            await racine.RecordAssessmentAsync(new AssessmentBatch(
                [.. benchmarks.Select(b => b with { Status = status, AssessmentDate = date, EvidenceNote = Note })], [], null));
        }

        var stored = (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!;
        var years = Enumerable.Range(0, Batches).Select(i => Sample.Today.AddDays(-20 * i).Year).Distinct().Count();
        Assert.True(
            stored.Assessments.Count <= benchmarks.Count * (AssessmentRetention.RecentPerBenchmark + years),
            $"{stored.Assessments.Count} assessments stored for {benchmarks.Count} benchmarks");
        Assert.True(stored.Assessments.Count < benchmarks.Count * Batches / 2, "the history was retained, not kept whole");

        // The retained history still gives the exact current standing: everything through Sustaining is met.
        var progress = await racine.GetProgressAsync();
        Assert.Equal(GatewayStage.SystemsChange, progress.Gateway);
    }

    [Fact]
    public async Task SystemsChangeExamples_AreCappedPerPartnership_AndReplacingAnIdStillWorks()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());

        for (var call = 0; call < 5; call++)
        {
            await racine.RecordAssessmentAsync(Examples(call * 100, 100));
        }

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => racine.RecordAssessmentAsync(Examples(500, 1)));
        Assert.StartsWith("systems_change_examples:", refused.Message, StringComparison.Ordinal);
        Assert.Equal(500, (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.Examples.Count);

        await racine.RecordAssessmentAsync(Examples(0, 100));
        Assert.Equal(500, (await c.ReadStoredAsync<PartnershipState>("partnership", racine))!.Examples.Count);
    }

    [Fact]
    public async Task TheSettingsAuditTrail_KeepsTheLatestChanges()
    {
        await using var c = await GrainCluster.StartAsync();
        var racine = c.Partnership("racine");
        await racine.RegisterAsync(Sample.Profile());
        var view = await racine.GetSettingsAsync();

        for (var i = 0; i < 105; i++)
        {
            view = await racine.UpdateSettingsAsync(view.Settings with { MinimumN = 10 + (i % 2) }, view.Etag, $"admin-{i}");
        }

        Assert.Equal(100, view.Changes.Count);
        Assert.Equal("admin-104", view.Changes[^1].ChangedBy);
        Assert.Equal("admin-5", view.Changes[0].ChangedBy);
    }

    [Fact]
    public async Task Indicators_AreCappedPerPartnership_EvenWhenDefinedConcurrently()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var limit = new PartnershipLimits().MaxIndicators;
        var spec = Sample.Indicator(StriveNetwork.Domain.Indicators.Outcome.EarlyGradeReading);

        // Twenty more than the limit, all at once: exactly the limit are created, whatever the interleaving.
        var attempts = await Task.WhenAll(Enumerable.Range(0, limit + 20).Select(async i =>
        {
            try
            {
                await c.Indicator("racine", $"indicator-{i}").DefineAsync(spec);
                return true;
            }
            catch (QuotaExceededException refused)
            {
                Assert.StartsWith("indicator_id:", refused.Message, StringComparison.Ordinal);
                return false;
            }
        }));

        Assert.Equal(limit, attempts.Count(created => created));
        Assert.Equal(limit, (await c.ReadStoredAsync<PartnershipState>("partnership", c.Partnership("racine")))!.IndicatorIds.Count);
        var existing = Array.IndexOf(attempts, true);
        Assert.Equal(DefineResult.Unchanged, (await c.Indicator("racine", $"indicator-{existing}").DefineAsync(spec)).Result);
        await Assert.ThrowsAsync<NotFoundException>(() => c.Indicator("nowhere", "reading").DefineAsync(spec));
    }

    [Fact]
    public async Task DefinitionVersions_AreCappedPerIndicator()
    {
        await using var c = await GrainCluster.StartAsync();
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var indicator = c.Indicator("racine", "reading");
        var spec = Sample.Indicator(StriveNetwork.Domain.Indicators.Outcome.EarlyGradeReading);
        var limit = new PartnershipLimits().MaxDefinitionVersions;

        for (var version = 1; version <= limit; version++)
        {
            await indicator.DefineAsync(spec with { DefinitionVersion = version });
        }

        var refused = await Assert.ThrowsAsync<QuotaExceededException>(() => indicator.DefineAsync(spec with { DefinitionVersion = limit + 1 }));
        Assert.StartsWith("definition.definition_version:", refused.Message, StringComparison.Ordinal);
        Assert.Equal(limit, (await c.ReadStoredAsync<IndicatorState>("indicator", indicator))!.Versions.Count);
        Assert.Equal(DefineResult.Unchanged, (await indicator.DefineAsync(spec with { DefinitionVersion = limit })).Result);
    }

    private static AssessmentBatch Examples(int first, int count) => new(
        [],
        [.. Enumerable.Range(first, count).Select(i => new SystemsChangeEntry($"example-{i}", "a policy changed", Sample.Today))],
        null);
}
