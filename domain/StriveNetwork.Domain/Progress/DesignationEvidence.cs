using System.Collections.Immutable;
using StriveNetwork.Domain.Assessments;

namespace StriveNetwork.Domain.Progress;

/// <summary>Everything the designation rules look at for one partnership.</summary>
/// <param name="Assessments">The partnership's assessment history; its latest assessments count.</param>
/// <param name="Indicators">Trend per indicator (core, contributing and adjacent-sector).</param>
/// <param name="Gaps">Change per disparity gap.</param>
/// <param name="SystemsChangeExamples">Recorded systems-change examples (for Ongoing Proof Point: those since the last designation).</param>
public sealed record DesignationEvidence(
    AssessmentHistory Assessments,
    ImmutableArray<IndicatorEvidence> Indicators,
    ImmutableArray<GapEvidence> Gaps,
    ImmutableArray<SystemsChangeExample> SystemsChangeExamples)
{
    /// <summary>Bundles the evidence, rejecting null items.</summary>
    public static DesignationEvidence Create(
        AssessmentHistory assessments,
        IEnumerable<IndicatorEvidence>? indicators = null,
        IEnumerable<GapEvidence>? gaps = null,
        IEnumerable<SystemsChangeExample>? systemsChangeExamples = null)
    {
        ArgumentNullException.ThrowIfNull(assessments);
        return new DesignationEvidence(
            assessments,
            NoNulls(indicators, nameof(indicators)),
            NoNulls(gaps, nameof(gaps)),
            NoNulls(systemsChangeExamples, nameof(systemsChangeExamples)));
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Assessments);
        if (Indicators.IsDefault || Gaps.IsDefault || SystemsChangeExamples.IsDefault)
        {
            throw new ArgumentException("Evidence lists must be initialised (use DesignationEvidence.Create).");
        }
    }

    private static ImmutableArray<T> NoNulls<T>(IEnumerable<T>? items, string name)
        where T : class
    {
        var array = items?.ToImmutableArray() ?? [];
        return array.Any(i => i is null) ? throw new ArgumentException("The list contains a null item.", name) : array;
    }
}
