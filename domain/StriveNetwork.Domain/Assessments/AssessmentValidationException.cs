namespace StriveNetwork.Domain.Assessments;

/// <summary>An assessment was rejected; the subtypes say why.</summary>
public abstract class AssessmentValidationException(string message) : Exception(message);

/// <summary>The assessment names a benchmark the framework does not have.</summary>
public sealed class UnknownBenchmarkException(string benchmarkId, string frameworkId)
    : AssessmentValidationException($"Benchmark '{benchmarkId}' does not exist in framework '{frameworkId}'.")
{
    public string BenchmarkId { get; } = benchmarkId;

    public string FrameworkId { get; } = frameworkId;
}

/// <summary>The assessment is dated after "today".</summary>
public sealed class FutureAssessmentDateException(string benchmarkId, DateOnly date, DateOnly today)
    : AssessmentValidationException(
        $"Assessment of benchmark '{benchmarkId}' is dated {date:yyyy-MM-dd}, after today ({today:yyyy-MM-dd}).")
{
    public string BenchmarkId { get; } = benchmarkId;

    public DateOnly Date { get; } = date;

    public DateOnly Today { get; } = today;
}

/// <summary>The assessment is malformed (no assessor, undefined status).</summary>
public sealed class InvalidAssessmentException(string benchmarkId, string problem)
    : AssessmentValidationException($"Assessment of benchmark '{benchmarkId}' is invalid: {problem}")
{
    public string BenchmarkId { get; } = benchmarkId;
}
