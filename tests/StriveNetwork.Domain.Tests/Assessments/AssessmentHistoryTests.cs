using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Tests.Assessments;

public sealed class AssessmentHistoryTests
{
    private static readonly TheoryOfActionFramework Framework = FrameworkCatalog.Embedded.Get(FrameworkCatalog.SixGatewayId);
    private static readonly DateOnly Today = new(2026, 11, 23);

    [Fact]
    public void Append_ReturnsNewHistory_LeavingTheOriginalUnchanged()
    {
        var empty = AssessmentHistory.Empty(Framework);

        var one = empty.Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, Today), Today);

        Assert.Empty(empty.Entries);
        Assert.Null(empty.LatestFor("6G-EXP-SCV-1"));
        Assert.Single(one.Entries);
        Assert.Equal(BenchmarkStatus.Met, one.StatusOf("6G-EXP-SCV-1"));
    }

    [Fact]
    public void Latest_IsTheAssessmentWithTheLatestDate_EvenWhenAppendedEarlier()
    {
        var history = AssessmentHistory.Empty(Framework)
            .Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, new DateOnly(2025, 6, 1)), Today)
            .Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.InProgress, new DateOnly(2024, 6, 1)), Today);

        Assert.Equal(2, history.Entries.Count);
        Assert.Equal(BenchmarkStatus.Met, history.StatusOf("6G-EXP-SCV-1"));
        Assert.Equal(new DateOnly(2025, 6, 1), history.LatestFor("6G-EXP-SCV-1")!.Date);
    }

    [Fact]
    public void Latest_OnTheSameDate_IsTheOneAppendedLast()
    {
        var history = AssessmentHistory.Empty(Framework)
            .Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, Today), Today)
            .Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.InProgress, Today, "reviewer"), Today);

        Assert.Equal(BenchmarkStatus.InProgress, history.StatusOf("6G-EXP-SCV-1"));
        Assert.Equal("reviewer", history.LatestFor("6G-EXP-SCV-1")!.Assessor);
    }

    [Fact]
    public void MetBenchmarkIds_FollowsTheLatestStatusOnly()
    {
        var history = AssessmentHistory.Create(Framework,
        [
            Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, new DateOnly(2024, 1, 1)),
            Assess("6G-EXP-SCV-2", BenchmarkStatus.Met, new DateOnly(2024, 1, 1)),
            Assess("6G-EXP-SCV-2", BenchmarkStatus.InProgress, new DateOnly(2025, 1, 1)),
            Assess("6G-EXP-SCV-3", BenchmarkStatus.NotStarted, new DateOnly(2025, 1, 1)),
        ], Today);

        Assert.Equal(["6G-EXP-SCV-1"], history.MetBenchmarkIds());
        Assert.Equal(3, history.Latest.Count);
    }

    [Fact]
    public void StatusOf_NeverAssessedBenchmark_IsNotStarted()
    {
        Assert.Equal(BenchmarkStatus.NotStarted, AssessmentHistory.Empty(Framework).StatusOf("6G-ST-IS-3"));
    }

    [Fact]
    public void Append_UnknownBenchmark_NamesIdAndFramework()
    {
        var ex = Assert.Throws<UnknownBenchmarkException>(() =>
            AssessmentHistory.Empty(Framework).Append(Assess("5G-EXP-EBDM-2", BenchmarkStatus.Met, Today), Today));

        Assert.Equal("5G-EXP-EBDM-2", ex.BenchmarkId);
        Assert.Equal("toa-6g", ex.FrameworkId);
        Assert.Contains("'5G-EXP-EBDM-2'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("'toa-6g'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_BenchmarkIdsAreCaseSensitive()
    {
        Assert.Throws<UnknownBenchmarkException>(() =>
            AssessmentHistory.Empty(Framework).Append(Assess("6g-exp-scv-1", BenchmarkStatus.Met, Today), Today));
    }

    [Fact]
    public void Append_DateAfterToday_IsRejected()
    {
        var tomorrow = Today.AddDays(1);

        var ex = Assert.Throws<FutureAssessmentDateException>(() =>
            AssessmentHistory.Empty(Framework).Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, tomorrow), Today));

        Assert.Equal(tomorrow, ex.Date);
        Assert.Contains("2026-11-24", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_DatedToday_IsAccepted()
    {
        var history = AssessmentHistory.Empty(Framework).Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, Today), Today);

        Assert.Equal(Today, history.LatestFor("6G-EXP-SCV-1")!.Date);
    }

    [Theory]
    [InlineData("")]
    [InlineData("  ")]
    public void Append_WithoutAssessor_IsRejected(string assessor)
    {
        var ex = Assert.Throws<InvalidAssessmentException>(() =>
            AssessmentHistory.Empty(Framework).Append(Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, Today, assessor), Today));

        Assert.Contains("assessor", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Append_UndefinedStatus_IsRejected()
    {
        Assert.Throws<InvalidAssessmentException>(() =>
            AssessmentHistory.Empty(Framework).Append(Assess("6G-EXP-SCV-1", (BenchmarkStatus)7, Today), Today));
    }

    [Fact]
    public void Append_Null_Throws()
    {
        Assert.Throws<ArgumentNullException>(() => AssessmentHistory.Empty(Framework).Append(null!, Today));
    }

    [Fact]
    public void AsOf_IgnoresLaterAssessments()
    {
        var history = AssessmentHistory.Create(Framework,
        [
            Assess("6G-EXP-SCV-1", BenchmarkStatus.InProgress, new DateOnly(2024, 1, 1)),
            Assess("6G-EXP-SCV-1", BenchmarkStatus.Met, new DateOnly(2025, 1, 1)),
        ], Today);

        var past = history.AsOf(new DateOnly(2024, 12, 31));

        Assert.Equal(BenchmarkStatus.InProgress, past.StatusOf("6G-EXP-SCV-1"));
        Assert.Equal(BenchmarkStatus.Met, history.StatusOf("6G-EXP-SCV-1"));
    }

    [Fact]
    public void Assessment_KeepsEvidenceNote()
    {
        var history = AssessmentHistory.Empty(Framework)
            .Append(new BenchmarkAssessment("6G-EMG-SCV-2", BenchmarkStatus.Met, Today, "staff", "2024 baseline report card"), Today);

        Assert.Equal("2024 baseline report card", history.LatestFor("6G-EMG-SCV-2")!.EvidenceNote);
    }

    private static BenchmarkAssessment Assess(string id, BenchmarkStatus status, DateOnly date, string assessor = "national staff") =>
        new(id, status, date, assessor);
}
