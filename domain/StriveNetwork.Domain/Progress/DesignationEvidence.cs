using System.Collections.Immutable;
using StriveNetwork.Domain.Assessments;

namespace StriveNetwork.Domain.Progress;

/// <summary>Everything the designation rules look at for one partnership.</summary>
/// <param name="Assessments">The partnership's assessment history; its latest assessments count.</param>
/// <param name="Indicators">Trend per indicator (core, contributing and adjacent-sector).</param>
/// <param name="Gaps">Change per disparity gap.</param>
/// <param name="SystemsChangeExamples">Every recorded systems-change example with its date; criteria that ask for
/// "additional" examples count only those dated after the relevant award (see <see cref="Awards"/>).</param>
public sealed record DesignationEvidence(
    AssessmentHistory Assessments,
    ImmutableArray<IndicatorEvidence> Indicators,
    ImmutableArray<GapEvidence> Gaps,
    ImmutableArray<SystemsChangeExample> SystemsChangeExamples)
{
    /// <summary>
    /// The partnership's designation history before this evaluation: prerequisites ("a Proof Point awarded
    /// before", "a standing Proof Point") and "additional" examples are judged against it. Empty by default.
    /// </summary>
    public DesignationHistory Awards { get; init; } = DesignationHistory.Empty;

    /// <summary>
    /// The date the evaluation is for; when set, awards and examples after it are ignored. Null: everything given.
    /// </summary>
    public DateOnly? EvaluatedOn { get; init; }

    /// <summary>Bundles the evidence, rejecting null items.</summary>
    public static DesignationEvidence Create(
        AssessmentHistory assessments,
        IEnumerable<IndicatorEvidence>? indicators = null,
        IEnumerable<GapEvidence>? gaps = null,
        IEnumerable<SystemsChangeExample>? systemsChangeExamples = null,
        DesignationHistory? awards = null,
        DateOnly? evaluatedOn = null)
    {
        ArgumentNullException.ThrowIfNull(assessments);
        return new DesignationEvidence(
            assessments,
            NoNulls(indicators, nameof(indicators)),
            NoNulls(gaps, nameof(gaps)),
            NoNulls(systemsChangeExamples, nameof(systemsChangeExamples)))
        {
            Awards = awards ?? DesignationHistory.Empty,
            EvaluatedOn = evaluatedOn,
        };
    }

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Assessments);
        ArgumentNullException.ThrowIfNull(Awards);
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
