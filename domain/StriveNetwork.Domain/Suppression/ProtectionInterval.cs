using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// How much a reader must remain unsure about a hidden cell after combining everything published. The disclosure
/// audit computes, for each hidden cell, the exact range of numerators that fit every published value and relation;
/// a table is published only when each range meets this interval (see docs/domain-rules.md, "Disclosure audit").
/// </summary>
public sealed record ProtectionInterval
{
    /// <summary>
    /// The feasible rate range of a sensitive hidden cell (primary suppression, a small complement) must span at
    /// least this many percentage points. Default 10.
    /// </summary>
    public double MinimumRangePercentagePoints { get; init; } = 10;

    /// <summary>
    /// When true, complementary (non-sensitive) hidden cells must meet <see cref="MinimumRangePercentagePoints"/>
    /// too. Default false: like statistical disclosure control tools, the interval protects sensitive cells; every
    /// other hidden cell must still never be pinned to one value (so never to 0 % or 100 %).
    /// </summary>
    public bool ApplyToComplementaryCells { get; init; }

    /// <summary>Returns the problems with this interval; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (!double.IsFinite(MinimumRangePercentagePoints) || MinimumRangePercentagePoints < 0 || MinimumRangePercentagePoints > 100)
        {
            errors.Add(new(nameof(MinimumRangePercentagePoints), ValidationErrorKind.RateOutOfRange,
                "The protection interval must be between 0 and 100 percentage points."));
        }

        return errors;
    }
}
