namespace StriveNetwork.Domain.Progress;

/// <summary>The evaluation of one designation: met exactly when every criterion is met.</summary>
public sealed record DesignationResult(
    string DesignationId,
    string Name,
    string GrantsGatewayId,
    bool Met,
    IReadOnlyList<CriterionResult> Criteria,
    string Explanation);

/// <summary>
/// One criterion of a designation: what is required, what was found, whether it is met, the items that count
/// (benchmark, indicator, gap or example ids) and a human-readable explanation.
/// </summary>
/// <param name="Kind">The criterion kind of the framework file, e.g. <c>BenchmarksAcrossPillars</c>.</param>
/// <param name="Unit">What <paramref name="Required"/> and <paramref name="Actual"/> count, e.g. "pillars", "outcomes".</param>
public sealed record CriterionResult(
    string Name,
    string Kind,
    string Unit,
    int Required,
    int Actual,
    bool Met,
    IReadOnlyList<string> CountedItems,
    string Explanation);
