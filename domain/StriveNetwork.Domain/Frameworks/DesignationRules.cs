using System.Collections.Immutable;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Frameworks;

/// <summary>The designations a framework defines (Proof Point, Ongoing Proof Point, Systems Transformation).</summary>
public sealed record DesignationRules(ImmutableArray<DesignationDefinition> Definitions)
{
    /// <summary>The designation with this id, or null.</summary>
    public DesignationDefinition? Find(string designationId) =>
        Definitions.FirstOrDefault(d => string.Equals(d.Id, designationId, StringComparison.Ordinal));
}

/// <summary>
/// One designation: met exactly when every criterion is met. <paramref name="GrantsGatewayId"/> is the gateway the
/// designation places a partnership in.
/// </summary>
public sealed record DesignationDefinition(
    string Id,
    string Name,
    string GrantsGatewayId,
    string Source,
    ImmutableArray<DesignationCriterion> Criteria);

/// <summary>A parameterised criterion of a designation; the subtypes are the criterion kinds of the data file.</summary>
public abstract record DesignationCriterion(string Name, string Description)
{
    /// <summary>The kind, as named in the data file.</summary>
    public abstract CriterionKind Kind { get; }

    /// <summary>
    /// True for the gateway-sequence criteria (placement, an earlier designation): a designation is earned only
    /// from the gateway that precedes it, and the explanation names a missing prerequisite first.
    /// </summary>
    public bool IsPrerequisite => Kind is CriterionKind.InGateway or CriterionKind.DesignationHeld;
}

/// <summary>
/// Met benchmarks of one gateway covering pillars: at least <paramref name="MinimumPerPillar"/> met in each of at
/// least <paramref name="PillarsRequired"/> pillars (kind <c>BenchmarksAcrossPillars</c>).
/// </summary>
public sealed record BenchmarksAcrossPillarsCriterion(
    string Name, string Description, string GatewayId, int MinimumPerPillar, int PillarsRequired)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.BenchmarksAcrossPillars;
}

/// <summary>
/// At least <paramref name="Minimum"/> benchmarks of one gateway met; null means all of them (kind <c>GatewayBenchmarks</c>).
/// </summary>
public sealed record GatewayBenchmarksCriterion(string Name, string Description, string GatewayId, int? Minimum)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.GatewayBenchmarks;
}

/// <summary>
/// The partnership is placed in the gateway (or later) by benchmarks: every benchmark of every earlier gateway met
/// (kind <c>InGateway</c>).
/// </summary>
public sealed record InGatewayCriterion(string Name, string Description, string GatewayId)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.InGateway;
}

/// <summary>
/// At least <paramref name="Minimum"/> recorded systems-change examples (kind <c>SystemsChangeExamples</c>). With
/// <paramref name="RecordedAfterAwardOf"/> set, only examples dated after the latest award of one of those
/// designations count ("additional examples of systems change").
/// </summary>
public sealed record SystemsChangeExamplesCriterion(
    string Name, string Description, int Minimum, ImmutableArray<string> RecordedAfterAwardOf = default)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.SystemsChangeExamples;
}

/// <summary>
/// Core indicators of the seven outcomes whose trend is one of <paramref name="Trends"/>: at least
/// <paramref name="Minimum"/>, counted as distinct outcomes when <paramref name="DistinctOutcomes"/> (kind
/// <c>CoreIndicatorOutcomes</c>).
/// </summary>
public sealed record CoreIndicatorOutcomesCriterion(
    string Name, string Description, int Minimum, ImmutableArray<TrendDirection> Trends, bool DistinctOutcomes)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.CoreIndicatorOutcomes;
}

/// <summary>
/// At least <paramref name="MinimumPercent"/> percent of the partnership's core indicators have a trend in
/// <paramref name="Trends"/>; indicators with insufficient data stay in the denominator (kind <c>CoreIndicatorShare</c>).
/// </summary>
public sealed record CoreIndicatorShareCriterion(
    string Name, string Description, decimal MinimumPercent, ImmutableArray<TrendDirection> Trends)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.CoreIndicatorShare;
}

/// <summary>
/// Disparity gaps of the seven outcomes whose change is one of <paramref name="Changes"/>: at least
/// <paramref name="Minimum"/>, counted as distinct outcomes when <paramref name="DistinctOutcomes"/> (kind <c>DisparityGaps</c>).
/// </summary>
public sealed record DisparityGapsCriterion(
    string Name, string Description, int Minimum, ImmutableArray<GapChange> Changes, bool DistinctOutcomes)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.DisparityGaps;
}

/// <summary>
/// Adjacent-sector outcome indicators (outside education) with a trend in <paramref name="Trends"/>: at least
/// <paramref name="Minimum"/> (kind <c>AdjacentSectorIndicators</c>).
/// </summary>
public sealed record AdjacentSectorIndicatorsCriterion(
    string Name, string Description, int Minimum, ImmutableArray<TrendDirection> Trends)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.AdjacentSectorIndicators;
}

/// <summary>
/// Prerequisite (kind <c>DesignationHeld</c>): one of <paramref name="DesignationIds"/> was awarded in an earlier
/// re-evaluation and, when <paramref name="Standing"/>, still stands (was not lapsed since).
/// </summary>
public sealed record DesignationHeldCriterion(
    string Name, string Description, ImmutableArray<string> DesignationIds, bool Standing)
    : DesignationCriterion(Name, Description)
{
    /// <inheritdoc />
    public override CriterionKind Kind => CriterionKind.DesignationHeld;
}
