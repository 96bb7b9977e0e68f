using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Settings;

/// <summary>
/// Every parameter of the per-partnership rules in one validated record: suppression (minimum n, outcome count,
/// top/bottom coding, missing cells, the protection interval), trends (alpha, tolerance band, sustained
/// improvement), gaps (threshold, elimination tolerance) and designations (re-evaluation period). The defaults are
/// the network's rules; a partnership may set its own to match its state. Every rule that takes these checks them
/// first (<see cref="EnsureValid"/>).
/// </summary>
public sealed record PartnershipRuleSettings
{
    /// <summary>The network defaults.</summary>
    public static PartnershipRuleSettings Default { get; } = new();

    /// <summary>Primary suppression below this denominator. Default 10.</summary>
    public int MinimumN { get; init; } = 10;

    /// <summary>Primary suppression when the numerator or its complement is below this. Default 0 (off).</summary>
    public int MinimumOutcomeCount { get; init; }

    /// <summary>Top coding threshold in percent ("&gt;95%"); null turns it off. Default 95.</summary>
    public double? TopCodeAbove { get; init; } = 95;

    /// <summary>Bottom coding threshold in percent ("&lt;5%"); null turns it off. Default 5.</summary>
    public double? BottomCodeBelow { get; init; } = 5;

    /// <summary>Protect cells without an observation like suppressed ones. Default true.</summary>
    public bool TreatMissingCellsAsSensitive { get; init; } = true;

    /// <summary>The disclosure audit's protection interval. Default 10 percentage points.</summary>
    public ProtectionInterval Protection { get; init; } = new();

    /// <summary>Significance level of the trend z-test. Default 0.05.</summary>
    public double TrendAlpha { get; init; } = 0.05;

    /// <summary>"Maintained" band in percentage points when only rates are known. Default 1.</summary>
    public double TrendTolerancePercentagePoints { get; init; } = 1;

    /// <summary>"Improving" needs two improved comparisons in a row. Default false.</summary>
    public bool RequireSustainedImprovement { get; init; }

    /// <summary>A gap is reduced or widened when it moves by at least this many points. Default 1.</summary>
    public double GapThresholdPercentagePoints { get; init; } = 1;

    /// <summary>A latest gap at or below this many points counts as eliminated. Default 1.</summary>
    public double GapEliminationTolerancePercentagePoints { get; init; } = 1;

    /// <summary>Months from an award or renewal until the next re-evaluation is due. Default 12 (yearly).</summary>
    public int ReevaluationPeriodMonths { get; init; } = 12;

    /// <summary>The suppression part.</summary>
    public SuppressionOptions Suppression => new()
    {
        MinimumN = MinimumN,
        MinimumOutcomeCount = MinimumOutcomeCount,
        TopCodeAbove = TopCodeAbove,
        BottomCodeBelow = BottomCodeBelow,
        TreatMissingCellsAsSensitive = TreatMissingCellsAsSensitive,
        Protection = Protection,
    };

    /// <summary>The trend part.</summary>
    public TrendOptions Trends => new()
    {
        Alpha = TrendAlpha,
        TolerancePercentagePoints = TrendTolerancePercentagePoints,
        RequireSustainedImprovement = RequireSustainedImprovement,
    };

    /// <summary>The gap part.</summary>
    public GapOptions Gaps => new()
    {
        ThresholdPercentagePoints = GapThresholdPercentagePoints,
        EliminationTolerancePercentagePoints = GapEliminationTolerancePercentagePoints,
    };

    /// <summary>Every problem with these settings, each naming its field; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (Protection is null)
        {
            errors.Add(new(nameof(Protection), ValidationErrorKind.Required, "A protection interval is required."));
            return errors;
        }

        errors.AddRange(Suppression.Validate());
        errors.AddRange(Trends.Validate().Select(e => e with { Field = e.Field switch
        {
            nameof(TrendOptions.Alpha) => nameof(TrendAlpha),
            nameof(TrendOptions.TolerancePercentagePoints) => nameof(TrendTolerancePercentagePoints),
            var other => other,
        } }));
        errors.AddRange(Gaps.Validate().Select(e => e with { Field = e.Field switch
        {
            nameof(GapOptions.ThresholdPercentagePoints) => nameof(GapThresholdPercentagePoints),
            nameof(GapOptions.EliminationTolerancePercentagePoints) => nameof(GapEliminationTolerancePercentagePoints),
            var other => other,
        } }));
        if (MinimumN > 100_000)
        {
            errors.Add(new(nameof(MinimumN), ValidationErrorKind.RateOutOfRange, "Minimum n above 100,000 would hide every table."));
        }

        if (ReevaluationPeriodMonths is < 1 or > 60)
        {
            errors.Add(new(nameof(ReevaluationPeriodMonths), ValidationErrorKind.RateOutOfRange,
                "The re-evaluation period must be between 1 and 60 months."));
        }

        return errors;
    }

    /// <summary>Returns these settings, or throws <see cref="IndicatorValidationException"/> listing every problem.</summary>
    public PartnershipRuleSettings EnsureValid()
    {
        var errors = Validate();
        return errors.Count == 0 ? this : throw new IndicatorValidationException(errors);
    }
}
