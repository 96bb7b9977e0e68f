namespace StriveNetwork.Domain.Suppression;

/// <summary>What a hidden value must satisfy in the disclosure audit.</summary>
public enum ProtectionRequirement
{
    /// <summary>Nothing: the value is published or not the audit's concern.</summary>
    None = 0,

    /// <summary>The numerator must not be fixed to one value (so never pinned to 0 % or 100 %).</summary>
    NotDetermined = 1,

    /// <summary>The feasible rate range must span the protection interval and must not be pinned to 0 % or 100 %.</summary>
    Interval = 2,
}

/// <summary>
/// The exact range of numerators a reader can still believe for one hidden member, given everything published and
/// every relation the reader knows (integers in [0, denominator]).
/// </summary>
/// <param name="Member">The cell (<c>female/black</c>), a derived complement (<c>female/not-low-income</c>), or a
/// prior release's cell (<c>prior:female/black</c>).</param>
/// <param name="Denominator">The true denominator, when the data owner knows it.</param>
/// <param name="Satisfied">Whether the range meets <paramref name="Requirement"/>.</param>
/// <param name="Exact">True when <paramref name="Lower"/> and <paramref name="Upper"/> are the exact bounds; false when
/// they are values the reader cannot rule out that already meet the requirement (the true range is at least as wide).</param>
public sealed record FeasibleRange(
    string Member,
    long Lower,
    long Upper,
    long? Denominator,
    ProtectionRequirement Requirement,
    bool Satisfied,
    bool Exact)
{
    /// <summary>Width of the feasible rate range in percentage points, when the denominator is known and positive.</summary>
    public double? RateRangePercentagePoints => Denominator is > 0 ? 100.0 * (Upper - Lower) / Denominator.Value : null;
}

/// <summary>
/// The outcome of the disclosure audit of one published table: every protected member's feasible numerator range.
/// For the data owner only (ranges of hidden cells reveal their size).
/// </summary>
/// <param name="Safe">True when every range meets its requirement.</param>
/// <param name="ExactIntegerSolves">How many bounds needed the integer solver (CP-SAT) because the linear
/// relaxation (GLOP) ended on a fractional vertex; 0 on the partition tables of the CIA taxonomy.</param>
/// <param name="RelaxedRelations">Relations left out because the data do not satisfy them around cells without
/// counts (inconsistent inputs); empty for consistent tables.</param>
public sealed record DisclosureAuditResult(
    bool Safe,
    IReadOnlyList<FeasibleRange> Ranges,
    int ExactIntegerSolves,
    IReadOnlyList<string> RelaxedRelations)
{
    /// <summary>A result for a table with nothing hidden.</summary>
    public static DisclosureAuditResult Empty { get; } = new(true, [], 0, []);

    /// <summary>The ranges that do not meet their requirement.</summary>
    public IEnumerable<FeasibleRange> Violations => Ranges.Where(r => !r.Satisfied);
}
