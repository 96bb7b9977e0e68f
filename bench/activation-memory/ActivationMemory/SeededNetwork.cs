using System.Globalization;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Bench.ActivationMemory;

/// <summary>
/// The partnerships of the benchmark: a profile and a few assessments each (what an idle member partnership holds
/// before it sends data), registered through the grains in parallel chunks.
/// </summary>
public static class SeededNetwork
{
    private static readonly string[] Benchmarks = ["6G-EXP-SCV-1", "6G-EXP-SCV-2", "6G-EXP-SCV-3", "6G-EXP-EBDM-1"];

    public static string Id(int index) => string.Create(CultureInfo.InvariantCulture, $"mem-p{index:D6}");

    public static async Task RegisterAsync(IGrainFactory grains, int from, int count, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(grains);
        var date = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-30);
        foreach (var chunk in Enumerable.Range(from, count).Chunk(16))
        {
            cancellationToken.ThrowIfCancellationRequested();
            await Task.WhenAll(chunk.Select(async i =>
            {
                var grain = grains.GetGrain<IPartnershipGrain>(Id(i));
                await grain.RegisterAsync(
                    new PartnershipProfile(
                        $"Memory bench partnership {i}",
                        "OH",
                        GeographicScopeLevel.County,
                        "Bench County",
                        new AnchorEntity("Bench United Way", true),
                        [Sector.K12Education, Sector.HigherEducation, Sector.Philanthropy],
                        [StaffRole.PartnershipDirector, StaffRole.DataManager],
                        "toa-6g"),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
                await grain.RecordAssessmentAsync(
                    new AssessmentBatch(
                        [.. Benchmarks.Select(b => new AssessmentEntry(b, BenchmarkStatus.Met, $"Charter and minutes on file for {b}.", date, "Network data lead"))],
                        [],
                        null),
                    cancellationToken: cancellationToken).ConfigureAwait(false);
            })).ConfigureAwait(false);
        }
    }
}
