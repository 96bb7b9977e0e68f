using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Tests;

/// <summary>Multi-step set-ups shared by tests.</summary>
public static class Flows
{
    public static readonly Outcome[] FourOutcomes =
        [Outcome.EarlyGradeReading, Outcome.MiddleGradeMath, Outcome.HighSchoolGraduation, Outcome.PostsecondaryEnrollment];

    /// <summary>
    /// Registers a six-gateway partnership through Sustaining (plus the given Systems Change benchmarks) with four
    /// improving core indicators, and waits until the partnership holds their summaries.
    /// </summary>
    public static async Task SetUpAsync(GrainCluster c, string id, params string[] systemsChange)
    {
        ArgumentNullException.ThrowIfNull(c);
        var p = c.Partnership(id);
        await p.RegisterAsync(Sample.Profile(id));
        await p.RecordAssessmentAsync(Sample.ThroughSustaining(systemsChange));
        foreach (var outcome in FourOutcomes)
        {
            var indicator = c.Indicator(id, $"core-{(int)outcome}");
            await indicator.DefineAsync(Sample.Indicator(outcome, $"core indicator {outcome}"));
            await indicator.SubmitAsync(0, Sample.Improving());
        }

        await GrainCluster.EventuallyAsync(
            () => p.GetSnapshotAsync(),
            s => s.OutcomeTrends.Count(t => t.Direction == TrendDirection.Improved) == FourOutcomes.Length,
            $"{id} holds its four improving indicator summaries");
    }

    /// <summary>Waits until the streamed network rollup equals a recomputation from the partnerships, and returns that report.</summary>
    public static Task<Abstractions.RecomputeReport> SettledAsync(GrainCluster c, int seconds = 30)
    {
        ArgumentNullException.ThrowIfNull(c);
        return GrainCluster.EventuallyAsync(() => c.Network.RecomputeAsync(apply: false), r => r.Consistent, "the network rollup equals its recomputation", seconds);
    }
}
