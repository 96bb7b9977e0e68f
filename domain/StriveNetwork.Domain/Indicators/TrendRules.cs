using System.Globalization;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Indicators;

/// <summary>Options for <see cref="TrendRules"/>.</summary>
public sealed record TrendOptions
{
    /// <summary>Significance level of the two-proportion z-test (two-sided). Default 0.05.</summary>
    public double Alpha { get; init; } = 0.05;

    /// <summary>Half-width, in percentage points, of the "maintained" band used when only rates are known. Default 1.</summary>
    public double TolerancePercentagePoints { get; init; } = 1.0;

    /// <summary>
    /// When true, "improving" also needs the previous comparable year to be improved against the baseline
    /// (two comparisons in a row). Default false.
    /// </summary>
    public bool RequireSustainedImprovement { get; init; }

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (!(Alpha > 0 && Alpha < 1))
        {
            errors.Add(new(nameof(Alpha), ValidationErrorKind.RateOutOfRange, "Alpha must be between 0 and 1 (exclusive)."));
        }

        if (!double.IsFinite(TolerancePercentagePoints) || TolerancePercentagePoints < 0)
        {
            errors.Add(new(nameof(TolerancePercentagePoints), ValidationErrorKind.RateOutOfRange, "Tolerance must be a non-negative number of percentage points."));
        }

        return errors;
    }
}

/// <summary>How a trend was decided.</summary>
public enum TrendMethod
{
    None = 0,
    TwoProportionZTest = 1,
    ToleranceBand = 2,
}

/// <summary>
/// A trend decision with its numbers: rates in percent, <see cref="Difference"/> = latest − baseline in percentage
/// points (before polarity), z and two-sided p when the z-test was used, and why.
/// </summary>
public sealed record TrendResult(
    TrendDirection Direction,
    TrendMethod Method,
    int? BaselineYear,
    int? LatestYear,
    double? BaselineRate,
    double? LatestRate,
    double? Difference,
    double? Z,
    double? P,
    string Explanation)
{
    /// <summary>"Maintained or improved" (seed 002 proof point): improved ∪ maintained; never insufficient data.</summary>
    public bool IsMaintainedOrImproved => Direction is TrendDirection.Improved or TrendDirection.Maintained;

    internal static TrendResult Insufficient(string why, int? baselineYear = null, int? latestYear = null) =>
        new(TrendDirection.InsufficientData, TrendMethod.None, baselineYear, latestYear, null, null, null, null, null, why);
}

/// <summary>The stricter "improving" judgement (Systems Transformation) with the comparisons it used.</summary>
public sealed record ImprovingResult(bool IsImproving, TrendResult Latest, TrendResult? Previous, string Explanation);

/// <summary>
/// Classifies an indicator cell's movement from the baseline year to the latest year of the same definition
/// version: a two-proportion z-test when both years publish counts, a tolerance band when only rates are
/// published. Works only on published (post-suppression) cells: a suppressed, coded or missing cell gives
/// <see cref="TrendDirection.InsufficientData"/>, as does any comparison across a definition change.
/// </summary>
public sealed class TrendRules
{
    public TrendRules(TrendOptions? options = null)
    {
        Options = options ?? new TrendOptions();
        var errors = Options.Validate();
        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }
    }

    /// <summary>Trend rules with a partnership's validated rule settings.</summary>
    /// <exception cref="IndicatorValidationException">The settings are invalid.</exception>
    public TrendRules(PartnershipRuleSettings settings)
        : this((settings ?? throw new ArgumentNullException(nameof(settings))).EnsureValid().Trends)
    {
    }

    public TrendOptions Options { get; }

    /// <summary>Baseline year (from the definition) against the latest year of the current definition version.</summary>
    public TrendResult Evaluate(PublishedSeries series, CellKey cell)
    {
        ArgumentNullException.ThrowIfNull(series);
        var definition = series.Definition;
        var latestYear = series.Years(definition.DefinitionVersion).Where(y => y > definition.BaselineYear).Cast<int?>().LastOrDefault();
        if (latestYear is null)
        {
            return TrendResult.Insufficient(
                $"No year after the baseline {definition.BaselineYear} under definition v{definition.DefinitionVersion}.", definition.BaselineYear);
        }

        return Compare(series, cell, definition.BaselineYear, latestYear.Value);
    }

    /// <summary>Compares two years of the current definition version for one cell.</summary>
    public TrendResult Compare(PublishedSeries series, CellKey cell, int baselineYear, int latestYear)
    {
        ArgumentNullException.ThrowIfNull(series);
        var version = series.Definition.DefinitionVersion;
        var baseline = series.Cell(version, baselineYear, cell);
        if (baseline is null)
        {
            var older = series.VersionsIn(baselineYear).Where(v => v != version).ToList();
            return older.Count > 0
                ? TrendResult.Insufficient(
                    $"The baseline year {baselineYear} has data only under definition v{string.Join(", v", older)}, the latest under v{version}; no trend is computed across a definition change.",
                    baselineYear, latestYear)
                : TrendResult.Insufficient($"No data for the baseline year {baselineYear}.", baselineYear, latestYear);
        }

        var latest = series.Cell(version, latestYear, cell);
        return latest is null
            ? TrendResult.Insufficient($"No data for {latestYear} under definition v{version}.", baselineYear, latestYear)
            : Evaluate(series.Definition.Polarity, baseline, latest);
    }

    /// <summary>Classifies the movement between two published cells of the same cell and definition version.</summary>
    public TrendResult Evaluate(Polarity polarity, PublishedCell baseline, PublishedCell latest)
    {
        ArgumentNullException.ThrowIfNull(baseline);
        ArgumentNullException.ThrowIfNull(latest);
        int b = baseline.Year, l = latest.Year;
        if (baseline.DefinitionVersion != latest.DefinitionVersion)
        {
            return TrendResult.Insufficient(
                $"Definition changed from v{baseline.DefinitionVersion} ({b}) to v{latest.DefinitionVersion} ({l}); no trend is computed across a definition change.", b, l);
        }

        if (Unusable(baseline) is { } whyBaseline)
        {
            return TrendResult.Insufficient($"Baseline {b}: {whyBaseline}", b, l);
        }

        if (Unusable(latest) is { } whyLatest)
        {
            return TrendResult.Insufficient($"Latest {l}: {whyLatest}", b, l);
        }

        var sign = polarity == Polarity.LowerIsBetter ? -1 : 1;
        double r1 = baseline.Rate!.Value, r2 = latest.Rate!.Value, diff = r2 - r1;
        if (baseline.HasExactCounts && latest.HasExactCounts)
        {
            var (z, p) = TwoProportionZTest(baseline.Numerator!.Value, baseline.Denominator!.Value, latest.Numerator!.Value, latest.Denominator!.Value);
            var direction = p < Options.Alpha
                ? (sign * diff > 0 ? TrendDirection.Improved : TrendDirection.Worsened)
                : TrendDirection.Maintained;
            var why = direction == TrendDirection.Maintained
                ? $"{Pct(r1)} → {Pct(r2)}: change not significant (z = {F(z)}, p = {F(p)} ≥ α = {F(Options.Alpha)})."
                : $"{Pct(r1)} → {Pct(r2)}: significant (z = {F(z)}, p = {F(p)} < α = {F(Options.Alpha)}), {(direction == TrendDirection.Improved ? "in" : "against")} the {Describe(polarity)} direction.";
            return new TrendResult(direction, TrendMethod.TwoProportionZTest, b, l, r1, r2, diff, z, p, why);
        }

        var tolerance = Options.TolerancePercentagePoints;
        var adjusted = sign * diff;
        var banded = adjusted > tolerance ? TrendDirection.Improved : adjusted < -tolerance ? TrendDirection.Worsened : TrendDirection.Maintained;
        var bandWhy = $"{Pct(r1)} → {Pct(r2)} ({(diff >= 0 ? "+" : string.Empty)}{F(diff)} pp); only rates are published, so a ±{F(tolerance)} pp band decides ({Describe(polarity)}).";
        return new TrendResult(banded, TrendMethod.ToleranceBand, b, l, r1, r2, diff, null, null, bandWhy);
    }

    /// <summary>"Maintained or improved" between the baseline and the latest year.</summary>
    public bool IsMaintainedOrImproved(PublishedSeries series, CellKey cell) => Evaluate(series, cell).IsMaintainedOrImproved;

    /// <summary>
    /// "Improving": the latest year is improved against the baseline and, when
    /// <see cref="TrendOptions.RequireSustainedImprovement"/> is set, so is the previous comparable year.
    /// </summary>
    public ImprovingResult Improving(PublishedSeries series, CellKey cell)
    {
        ArgumentNullException.ThrowIfNull(series);
        var latest = Evaluate(series, cell);
        if (latest.Direction != TrendDirection.Improved)
        {
            return new ImprovingResult(false, latest, null, $"Latest comparison is {latest.Direction}: {latest.Explanation}");
        }

        if (!Options.RequireSustainedImprovement)
        {
            return new ImprovingResult(true, latest, null, "Improved against the baseline.");
        }

        var definition = series.Definition;
        var previousYear = series.Years(definition.DefinitionVersion)
            .Where(y => y > definition.BaselineYear && y < latest.LatestYear).Cast<int?>().LastOrDefault();
        if (previousYear is null)
        {
            return new ImprovingResult(false, latest, null, "Sustained improvement needs two comparisons against the baseline; only one year follows it.");
        }

        var previous = Compare(series, cell, definition.BaselineYear, previousYear.Value);
        return previous.Direction == TrendDirection.Improved
            ? new ImprovingResult(true, latest, previous, $"Improved against the baseline in {previousYear} and {latest.LatestYear}.")
            : new ImprovingResult(false, latest, previous, $"Improved in {latest.LatestYear} but {previous.Direction} in {previousYear}; not sustained.");
    }

    /// <summary>Two-sided two-proportion z-test with the pooled standard error; (0, 1) when the pooled variance is 0.</summary>
    public static (double Z, double P) TwoProportionZTest(long n1, long d1, long n2, long d2)
    {
        if (d1 <= 0 || d2 <= 0)
        {
            throw new ArgumentOutOfRangeException(nameof(d1), "Denominators must be positive.");
        }

        double p1 = (double)n1 / d1, p2 = (double)n2 / d2, pooled = (double)(n1 + n2) / (d1 + d2);
        var se = Math.Sqrt(pooled * (1 - pooled) * ((1.0 / d1) + (1.0 / d2)));
        if (se == 0)
        {
            return (0, 1);
        }

        var z = (p2 - p1) / se;
        return (z, Math.Min(1, 2 * NormalUpperTail(Math.Abs(z))));
    }

    /// <summary>P(Z &gt; x) for a standard normal variable (erfc by Chebyshev fit, relative error &lt; 1.2e-7).</summary>
    internal static double NormalUpperTail(double x) => 0.5 * Erfc(x / Math.Sqrt(2));

    private static double Erfc(double x)
    {
        var z = Math.Abs(x);
        var t = 1 / (1 + (0.5 * z));
        double[] coefficients = [-1.26551223, 1.00002368, 0.37409196, 0.09678418, -0.18628806, 0.27886807, -1.13520398, 1.48851587, -0.82215223, 0.17087277];
        var poly = 0.0;
        for (var i = coefficients.Length - 1; i >= 0; i--)
        {
            poly = coefficients[i] + (t * poly);
        }

        var r = t * Math.Exp((-z * z) + poly);
        return x >= 0 ? r : 2 - r;
    }

    private static string? Unusable(PublishedCell cell) => cell.Status switch
    {
        CellStatus.Suppressed => "the cell is suppressed, so it counts as insufficient data.",
        CellStatus.Missing => "no data reported.",
        CellStatus.Coded => $"only a coded range ({cell.Display}) is published.",
        _ when cell.Rate is null => "no rate published.",
        _ => null,
    };

    private static string Describe(Polarity polarity) => polarity == Polarity.LowerIsBetter ? "lower-is-better" : "higher-is-better";

    private static string Pct(double rate) => PublishedCell.FormatRate(rate);

    private static string F(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
