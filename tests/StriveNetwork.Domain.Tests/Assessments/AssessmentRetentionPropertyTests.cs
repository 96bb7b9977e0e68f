using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Tests.Assessments;

/// <summary>
/// The retained history answers every question the rules ask exactly as the whole history does (the current status,
/// the status as of every year end, and as of every date from a benchmark's earliest retained recent date on), and its
/// size is bounded by the number of recent dates plus one per earlier year.
/// </summary>
public sealed class AssessmentRetentionPropertyTests
{
    private static readonly TheoryOfActionFramework Framework = FrameworkCatalog.Embedded.Get(FrameworkCatalog.SixGatewayId);
    private static readonly string[] Benchmarks = [.. Framework.BenchmarksIn(Framework.Gateways[0].Id).Take(3).Select(b => b.Id)];
    private static readonly DateOnly First = new(2012, 1, 1);

    private static Gen<BenchmarkAssessment> Entry =>
        from benchmark in Gen.Elements(Benchmarks)
        from days in Gen.Choose(0, 365 * 14)
        from status in Gen.Elements(BenchmarkStatus.NotStarted, BenchmarkStatus.InProgress, BenchmarkStatus.Met)
        from note in Gen.Elements("a", "b", "c")
        select new BenchmarkAssessment(benchmark, status, First.AddDays(days), "assessor", note);

    [Fact]
    public void RetainedHistory_AnswersEveryYearEndAndRecentQuery_AsTheWholeHistoryDoes()
    {
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(300), Prop.ForAll(Arb.From(Gen.ListOf(Entry)), Arb.From(Gen.Choose(1, 6)), (entries, recent) =>
        {
            var all = entries.ToList();
            var kept = AssessmentRetention.Retain(all, e => e.BenchmarkId, e => e.Date, recent);
            var whole = AssessmentHistory.Create(Framework, all, DateOnly.MaxValue);
            var retained = AssessmentHistory.Create(Framework, kept, DateOnly.MaxValue);

            foreach (var benchmark in Benchmarks)
            {
                var dates = all.Where(e => e.BenchmarkId == benchmark).Select(e => e.Date).Distinct().OrderDescending().ToList();
                var cut = dates.Count == 0 ? DateOnly.MinValue : dates[Math.Min(recent, dates.Count) - 1];
                var yearEnds = Enumerable.Range(First.Year - 1, 16).Select(y => new DateOnly(y, 12, 31));
                var queries = yearEnds.Concat(dates.Where(d => d >= cut)).Concat(dates.Where(d => d >= cut).Select(d => d.AddDays(1)));
                foreach (var asOf in queries.Append(DateOnly.MaxValue))
                {
                    if (whole.AsOf(asOf).LatestFor(benchmark) != retained.AsOf(asOf).LatestFor(benchmark))
                    {
                        return false.Label($"{benchmark} as of {asOf:yyyy-MM-dd} differs");
                    }
                }

                var olderYears = dates.Skip(recent).Select(d => d.Year).Distinct().Count();
                if (kept.Count(e => e.BenchmarkId == benchmark) > recent + olderYears)
                {
                    return false.Label($"{benchmark} keeps more than {recent} + {olderYears} entries");
                }
            }

            return kept.All(all.Contains).Label("keeps only entries it was given")
                .And(IsSubsequence(kept, all).Label("keeps the append order"));
        }));
    }

    [Fact]
    public void RepeatedAssessmentsOfOneDay_KeepOnlyTheLastOne()
    {
        var day = new DateOnly(2025, 3, 1);
        var entries = Enumerable.Range(0, 50).Select(i => new BenchmarkAssessment(Benchmarks[0], BenchmarkStatus.InProgress, day, "a", $"n{i}")).ToList();

        var kept = AssessmentRetention.Retain(entries, e => e.BenchmarkId, e => e.Date);

        Assert.Equal("n49", Assert.Single(kept).EvidenceNote);
    }

    [Fact]
    public void AHistoryWithinTheBound_IsReturnedUnchanged()
    {
        var entries = Enumerable.Range(0, 5).Select(i => new BenchmarkAssessment(Benchmarks[0], BenchmarkStatus.Met, First.AddDays(i), "a")).ToList();

        Assert.Same(entries, AssessmentRetention.Retain(entries, e => e.BenchmarkId, e => e.Date));
    }

    private static bool IsSubsequence(IReadOnlyList<BenchmarkAssessment> kept, IReadOnlyList<BenchmarkAssessment> all)
    {
        var j = 0;
        foreach (var entry in all)
        {
            if (j < kept.Count && ReferenceEquals(kept[j], entry))
            {
                j++;
            }
        }

        return j == kept.Count;
    }
}
