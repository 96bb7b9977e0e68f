using System.Collections.Immutable;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Assessments;

/// <summary>
/// The immutable assessment history of one partnership against one framework. <see cref="Append"/> validates and
/// returns a new history; the latest assessment per benchmark is the one with the latest date, and among equal
/// dates the one appended last.
/// </summary>
public sealed class AssessmentHistory
{
    private readonly ImmutableDictionary<string, BenchmarkAssessment> _latest;

    private AssessmentHistory(
        TheoryOfActionFramework framework,
        ImmutableList<BenchmarkAssessment> entries,
        ImmutableDictionary<string, BenchmarkAssessment> latest)
    {
        Framework = framework;
        Entries = entries;
        _latest = latest;
    }

    /// <summary>The framework every assessment refers to.</summary>
    public TheoryOfActionFramework Framework { get; }

    /// <summary>Every assessment, in append order.</summary>
    public ImmutableList<BenchmarkAssessment> Entries { get; }

    /// <summary>The latest assessment per assessed benchmark id.</summary>
    public IReadOnlyDictionary<string, BenchmarkAssessment> Latest => _latest;

    /// <summary>An empty history for a framework.</summary>
    public static AssessmentHistory Empty(TheoryOfActionFramework framework)
    {
        ArgumentNullException.ThrowIfNull(framework);
        return new AssessmentHistory(
            framework, [], ImmutableDictionary.Create<string, BenchmarkAssessment>(StringComparer.Ordinal));
    }

    /// <summary>A history holding the given assessments, each validated as by <see cref="Append"/>.</summary>
    public static AssessmentHistory Create(
        TheoryOfActionFramework framework, IEnumerable<BenchmarkAssessment> assessments, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(assessments);
        return assessments.Aggregate(Empty(framework), (history, a) => history.Append(a, today));
    }

    /// <summary>Returns a new history with the assessment appended.</summary>
    /// <exception cref="UnknownBenchmarkException">The benchmark id is not in the framework.</exception>
    /// <exception cref="FutureAssessmentDateException">The date is after <paramref name="today"/>.</exception>
    /// <exception cref="InvalidAssessmentException">The assessor is empty or the status undefined.</exception>
    public AssessmentHistory Append(BenchmarkAssessment assessment, DateOnly today)
    {
        ArgumentNullException.ThrowIfNull(assessment);
        if (Framework.FindBenchmark(assessment.BenchmarkId) is null)
        {
            throw new UnknownBenchmarkException(assessment.BenchmarkId, Framework.Id);
        }

        if (assessment.Date > today)
        {
            throw new FutureAssessmentDateException(assessment.BenchmarkId, assessment.Date, today);
        }

        if (string.IsNullOrWhiteSpace(assessment.Assessor))
        {
            throw new InvalidAssessmentException(assessment.BenchmarkId, "the assessor is empty.");
        }

        if (!Enum.IsDefined(assessment.Status))
        {
            throw new InvalidAssessmentException(assessment.BenchmarkId, $"status {(int)assessment.Status} is undefined.");
        }

        var latest = _latest.TryGetValue(assessment.BenchmarkId, out var previous) && previous.Date > assessment.Date
            ? _latest
            : _latest.SetItem(assessment.BenchmarkId, assessment);
        return new AssessmentHistory(Framework, Entries.Add(assessment), latest);
    }

    /// <summary>The latest assessment of a benchmark, or null when it was never assessed.</summary>
    public BenchmarkAssessment? LatestFor(string benchmarkId) => _latest.GetValueOrDefault(benchmarkId);

    /// <summary>The latest status of a benchmark; never-assessed benchmarks are <see cref="BenchmarkStatus.NotStarted"/>.</summary>
    public BenchmarkStatus StatusOf(string benchmarkId) => LatestFor(benchmarkId)?.Status ?? BenchmarkStatus.NotStarted;

    /// <summary>Ids of the benchmarks whose latest status is Met.</summary>
    public ImmutableHashSet<string> MetBenchmarkIds() =>
        _latest.Values.Where(a => a.Status == BenchmarkStatus.Met).Select(a => a.BenchmarkId)
            .ToImmutableHashSet(StringComparer.Ordinal);

    /// <summary>The latest assessment of every benchmark as of a date (assessments after it are ignored).</summary>
    public AssessmentHistory AsOf(DateOnly date) =>
        Create(Framework, Entries.Where(a => a.Date <= date), DateOnly.MaxValue);
}
