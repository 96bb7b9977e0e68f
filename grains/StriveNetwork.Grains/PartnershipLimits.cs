using System.ComponentModel.DataAnnotations;
using StriveNetwork.Domain.Assessments;

namespace StriveNetwork.Grains;

/// <summary>
/// Bounds on what one partnership's grains hold (the partnership and its indicators), so that no client can grow the
/// one stored row that every write of a grain rewrites (and that every other tenant's write may wait behind on the
/// SQLite writer).
/// </summary>
public sealed class PartnershipLimits
{
    /// <summary>
    /// Assessments per benchmark kept whole, most recent dates first; before them only the last assessment of each
    /// year is kept (see <see cref="AssessmentRetention"/>; default 20).
    /// </summary>
    [Range(1, 1_000)]
    public int RecentAssessmentsPerBenchmark { get; set; } = AssessmentRetention.RecentPerBenchmark;

    /// <summary>Systems-change examples one partnership holds (default 500); re-sending an id replaces it.</summary>
    [Range(1, 100_000)]
    public int MaxSystemsChangeExamples { get; set; } = 500;

    /// <summary>Indicators one partnership defines (default 200); redefining an existing one is always possible.</summary>
    [Range(1, 100_000)]
    public int MaxIndicators { get; set; } = 200;

    /// <summary>Definition versions one indicator keeps, each with its own series (default 20).</summary>
    [Range(1, 1_000)]
    public int MaxDefinitionVersions { get; set; } = 20;

    /// <summary>Settings changes kept in the partnership's audit trail, most recent (default 100).</summary>
    [Range(1, 10_000)]
    public int MaxSettingsChanges { get; set; } = 100;
}
