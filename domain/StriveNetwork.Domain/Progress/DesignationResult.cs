using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Progress;

/// <summary>The evaluation of one designation: met exactly when every criterion is met.</summary>
public sealed record DesignationResult(
    string DesignationId,
    string Name,
    string GrantsGatewayId,
    bool Met,
    IReadOnlyList<CriterionResult> Criteria,
    string Explanation)
{
    /// <summary>The first unmet prerequisite (placement, an earlier designation), or null.</summary>
    public CriterionResult? MissingPrerequisite => Criteria.FirstOrDefault(c => c.IsPrerequisite && !c.Met);
}

/// <summary>
/// One criterion of a designation: what is required, what was found, whether it is met, the items that count
/// (benchmark, indicator, gap or example ids) and a human-readable explanation.
/// </summary>
/// <param name="Kind">The criterion kind of the framework file (a domain enum; map it to the wire by name).</param>
/// <param name="Unit">What <paramref name="Required"/> and <paramref name="Actual"/> count, e.g. "pillars", "outcomes".</param>
public sealed record CriterionResult(
    string Name,
    CriterionKind Kind,
    string Unit,
    int Required,
    int Actual,
    bool Met,
    IReadOnlyList<string> CountedItems,
    string Explanation)
{
    /// <summary>True for the gateway-sequence criteria (placement, an earlier designation).</summary>
    public bool IsPrerequisite => Kind is CriterionKind.InGateway or CriterionKind.DesignationHeld;
}
