using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Suppression;

/// <summary>
/// Small-cell suppression settings. Defaults follow the modal state practice (minimum n 10, NCES 2011-603) and
/// Delaware's top/bottom coding (&gt;95% / &lt;5%). Let each partnership match its state's rule.
/// </summary>
public sealed record SuppressionOptions
{
    /// <summary>A cell whose denominator is below this is suppressed (primary). Default 10.</summary>
    public int MinimumN { get; init; } = 10;

    /// <summary>
    /// A cell whose numerator or (denominator − numerator) is below this is suppressed (primary). Default 0
    /// (off): top/bottom coding already hides extreme rates. Set 1–5 to match states that hide small counts.
    /// </summary>
    public int MinimumOutcomeCount { get; init; }

    /// <summary>Rates above this are shown as "&gt;95%"-style ranges; null turns top coding off. Default 95.</summary>
    public double? TopCodeAbove { get; init; } = 95;

    /// <summary>Rates below this are shown as "&lt;5%"-style ranges; null turns bottom coding off. Default 5.</summary>
    public double? BottomCodeBelow { get; init; } = 5;

    /// <summary>
    /// A cell with no observation is treated like a suppressed one when protecting others (it may be missing
    /// because it was small). Default true; set false when missing means "not collected".
    /// </summary>
    public bool TreatMissingCellsAsSensitive { get; init; } = true;

    /// <summary>How unsure a reader must stay about each hidden cell (the disclosure audit). Default: 10 percentage points.</summary>
    public ProtectionInterval Protection { get; init; } = new();

    /// <summary>Returns the problems with these options; empty when valid.</summary>
    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (Protection is null)
        {
            errors.Add(new(nameof(Protection), ValidationErrorKind.Required, "A protection interval is required."));
        }
        else
        {
            errors.AddRange(Protection.Validate().Select(e => e with { Field = $"{nameof(Protection)}.{e.Field}" }));
        }

        if (MinimumN < 1)
        {
            errors.Add(new(nameof(MinimumN), ValidationErrorKind.NegativeCount, "Minimum n must be at least 1."));
        }

        if (MinimumOutcomeCount < 0)
        {
            errors.Add(new(nameof(MinimumOutcomeCount), ValidationErrorKind.NegativeCount, "Minimum outcome count cannot be negative."));
        }

        if (TopCodeAbove is { } top && (!double.IsFinite(top) || top <= 50 || top >= 100))
        {
            errors.Add(new(nameof(TopCodeAbove), ValidationErrorKind.RateOutOfRange, "Top coding threshold must be between 50 and 100 (exclusive)."));
        }

        if (BottomCodeBelow is { } bottom && (!double.IsFinite(bottom) || bottom <= 0 || bottom >= 50))
        {
            errors.Add(new(nameof(BottomCodeBelow), ValidationErrorKind.RateOutOfRange, "Bottom coding threshold must be between 0 and 50 (exclusive)."));
        }

        return errors;
    }
}
