namespace StriveNetwork.Domain.Assessments;

/// <summary>Where a partnership stands on one benchmark.</summary>
public enum BenchmarkStatus
{
    NotStarted = 0,
    InProgress = 1,
    Met = 2,
}

/// <summary>One assessment of one benchmark: status, evidence, the date it applies to and who assessed it.</summary>
public sealed record BenchmarkAssessment(
    string BenchmarkId,
    BenchmarkStatus Status,
    DateOnly Date,
    string Assessor,
    string? EvidenceNote = null);
