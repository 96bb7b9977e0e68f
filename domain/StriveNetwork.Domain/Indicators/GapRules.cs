using System.Globalization;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Indicators;

/// <summary>Which group a disparity gap is measured against.</summary>
public enum GapReferenceKind
{
    /// <summary>The best-performing group (after polarity) among the focal group's peers, fixed at the baseline year.</summary>
    BestGroupAtBaseline = 1,

    /// <summary>All genders, All Students.</summary>
    AllStudents = 2,

    /// <summary>Everyone in the focal group's total who is not in the focal group (total minus focal, by counts).</summary>
    Complement = 3,

    /// <summary>A named population of the focal group's gender (e.g. "white").</summary>
    NamedGroup = 4,
}

/// <summary>The reference rule of a gap; <see cref="Population"/> is set only for <see cref="GapReferenceKind.NamedGroup"/>.</summary>
public sealed record GapReference(GapReferenceKind Kind, string? Population = null)
{
    public static GapReference BestGroupAtBaseline { get; } = new(GapReferenceKind.BestGroupAtBaseline);

    public static GapReference AllStudents { get; } = new(GapReferenceKind.AllStudents);

    public static GapReference Complement { get; } = new(GapReferenceKind.Complement);

    public static GapReference NamedGroup(string population) => new(GapReferenceKind.NamedGroup, population);

    public override string ToString() => Kind == GapReferenceKind.NamedGroup ? $"NamedGroup({Population})" : Kind.ToString();
}

/// <summary>How a gap is measured. Only the percentage-point difference is defined so far.</summary>
public enum GapMetric
{
    PercentagePointDifference = 1,
}

/// <summary>A disparity gap: one indicator, a focal gender × population, and the rule that picks its reference group.</summary>
public sealed record GapDefinition(
    string Id,
    string IndicatorId,
    string FocalGender,
    string FocalPopulation,
    GapReference Reference,
    GapMetric Metric = GapMetric.PercentagePointDifference)
{
    public CellKey Focal => new(FocalGender, FocalPopulation);
}

/// <summary>Options for <see cref="GapRules"/>.</summary>
public sealed record GapOptions
{
    /// <summary>A gap is reduced (or widened) when it moved by at least this many percentage points. Default 1.</summary>
    public double ThresholdPercentagePoints { get; init; } = 1.0;

    /// <summary>A latest gap at or below this many percentage points counts as eliminated. Default 1.</summary>
    public double EliminationTolerancePercentagePoints { get; init; } = 1.0;

    public IReadOnlyList<ValidationError> Validate()
    {
        var errors = new List<ValidationError>();
        if (!double.IsFinite(ThresholdPercentagePoints) || ThresholdPercentagePoints <= 0)
        {
            errors.Add(new(nameof(ThresholdPercentagePoints), ValidationErrorKind.RateOutOfRange, "Threshold must be a positive number of percentage points."));
        }

        if (!double.IsFinite(EliminationTolerancePercentagePoints) || EliminationTolerancePercentagePoints < 0)
        {
            errors.Add(new(nameof(EliminationTolerancePercentagePoints), ValidationErrorKind.RateOutOfRange, "Tolerance must be a non-negative number of percentage points."));
        }

        return errors;
    }
}

/// <summary>
/// A gap decision. Gaps are in percentage points after polarity: positive means the focal group is behind its
/// reference. <see cref="ReferenceGroup"/> names the group actually used (e.g. "female/white", or
/// "all/all − all/black" for a complement).
/// </summary>
public sealed record GapResult(
    string GapId,
    GapChange Change,
    GapReference ReferenceRule,
    string? ReferenceGroup,
    int? BaselineYear,
    int? LatestYear,
    double? BaselineFocalRate,
    double? LatestFocalRate,
    double? BaselineReferenceRate,
    double? LatestReferenceRate,
    double? BaselineGap,
    double? LatestGap,
    string Explanation)
{
    /// <summary>"Reduced or eliminated" (seed 002 designations); insufficient data never counts.</summary>
    public bool IsReducedOrEliminated => Change is GapChange.Reduced or GapChange.Eliminated;
}

/// <summary>
/// Computes disparity gaps between the baseline year and the latest year of the current definition version, from
/// published (post-suppression) cells only: any needed cell that is suppressed, coded or missing gives
/// <see cref="GapChange.InsufficientData"/>.
/// </summary>
public sealed class GapRules
{
    // Rates come from divisions; without this a 1.0 pp move computed as 0.9999999 would miss the threshold.
    private const double Epsilon = 1e-9;

    private readonly TrendRules _trends;
    private readonly SmallCellSuppressor _disclosure;

    /// <summary>Gap rules; <paramref name="suppression"/> decides whether a derived complement is large enough to use.</summary>
    public GapRules(GapOptions? options = null, TrendRules? trends = null, SuppressionOptions? suppression = null)
    {
        Options = options ?? new GapOptions();
        var errors = Options.Validate();
        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }

        _trends = trends ?? new TrendRules();
        _disclosure = new SmallCellSuppressor(suppression);
    }

    /// <summary>Gap rules (and the focal-group trend they use) with a partnership's validated rule settings.</summary>
    /// <exception cref="IndicatorValidationException">The settings are invalid.</exception>
    public GapRules(PartnershipRuleSettings settings)
        : this((settings ?? throw new ArgumentNullException(nameof(settings))).EnsureValid().Gaps, new TrendRules(settings), settings.Suppression)
    {
    }

    public GapOptions Options { get; }

    /// <summary>Checks a gap definition against a taxonomy; empty when valid.</summary>
    public static IReadOnlyList<ValidationError> Validate(GapDefinition gap, PopulationTaxonomy taxonomy)
    {
        ArgumentNullException.ThrowIfNull(gap);
        ArgumentNullException.ThrowIfNull(taxonomy);
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(gap.Id))
        {
            errors.Add(new("Id", ValidationErrorKind.Required, "A gap needs an id."));
        }

        if (!taxonomy.IsKnownGender(gap.FocalGender))
        {
            errors.Add(new("FocalGender", ValidationErrorKind.UnknownGender, $"Gender code '{gap.FocalGender}' is not in taxonomy {taxonomy.Version}."));
        }

        if (!taxonomy.IsKnownPopulation(gap.FocalPopulation))
        {
            errors.Add(new("FocalPopulation", ValidationErrorKind.UnknownPopulation, $"Population code '{gap.FocalPopulation}' is not in taxonomy {taxonomy.Version}."));
        }

        if (gap.Reference is null || !Enum.IsDefined(gap.Reference.Kind))
        {
            errors.Add(new("Reference", ValidationErrorKind.Required, "A gap needs a known reference rule."));
        }
        else if (gap.Reference.Kind == GapReferenceKind.NamedGroup)
        {
            if (!taxonomy.IsKnownPopulation(gap.Reference.Population))
            {
                errors.Add(new("Reference.Population", ValidationErrorKind.UnknownPopulation, $"Reference population '{gap.Reference.Population}' is not in taxonomy {taxonomy.Version}."));
            }
            else if (gap.Reference.Population == gap.FocalPopulation)
            {
                errors.Add(new("Reference.Population", ValidationErrorKind.UnknownPopulation, "The reference group cannot be the focal group."));
            }
        }
        else if (gap.Reference.Kind == GapReferenceKind.Complement && gap.FocalGender == PopulationTaxonomy.AllGenders && gap.FocalPopulation == PopulationTaxonomy.AllStudents)
        {
            errors.Add(new("Reference", ValidationErrorKind.UnknownPopulation, "All students have no complement."));
        }

        if (!Enum.IsDefined(gap.Metric))
        {
            errors.Add(new("Metric", ValidationErrorKind.Required, $"Metric {(int)gap.Metric} is not known."));
        }

        return errors;
    }

    /// <summary>Evaluates a gap over a published series (baseline year against the latest year of the current version).</summary>
    public GapResult Evaluate(GapDefinition gap, PublishedSeries series)
    {
        ArgumentNullException.ThrowIfNull(gap);
        ArgumentNullException.ThrowIfNull(series);
        var errors = Validate(gap, series.Taxonomy).ToList();
        if (!string.Equals(gap.IndicatorId, series.Definition.Id, StringComparison.Ordinal))
        {
            errors.Add(new("IndicatorId", ValidationErrorKind.Required, $"Gap '{gap.Id}' is for indicator '{gap.IndicatorId}', not '{series.Definition.Id}'."));
        }

        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }

        var definition = series.Definition;
        var version = definition.DefinitionVersion;
        var baselineYear = definition.BaselineYear;
        int? latestYear = series.Years(version).Where(y => y > baselineYear).Cast<int?>().LastOrDefault();
        var baseline = series.Table(version, baselineYear);
        if (baseline is null)
        {
            var why = series.VersionsIn(baselineYear).Count > 0
                ? $"The baseline year {baselineYear} has data only under another definition version; no gap change is computed across a definition change."
                : $"No data for the baseline year {baselineYear}.";
            return Insufficient(gap, null, baselineYear, latestYear, why);
        }

        var latest = latestYear is { } ly ? series.Table(version, ly) : null;
        if (latest is null)
        {
            return Insufficient(gap, null, baselineYear, latestYear, $"No year after the baseline {baselineYear} under definition v{version}.");
        }

        var sign = definition.Polarity == Polarity.LowerIsBetter ? -1 : 1;
        var focalBaseline = baseline.Cells[gap.Focal];
        var focalLatest = latest.Cells[gap.Focal];
        if (Unusable(focalBaseline) is { } fb)
        {
            return Insufficient(gap, null, baselineYear, latestYear, $"Focal group {gap.Focal} in {baselineYear}: {fb}");
        }

        if (Unusable(focalLatest) is { } fl)
        {
            return Insufficient(gap, null, baselineYear, latestYear, $"Focal group {gap.Focal} in {latestYear}: {fl}");
        }

        var reference = ResolveReference(gap, series.Taxonomy, baseline, sign);
        if (reference.Error is not null)
        {
            return Insufficient(gap, reference.Label, baselineYear, latestYear, reference.Error);
        }

        var refBaseline = reference.Rate(baseline, _disclosure.PrimaryReasonFor);
        var refLatest = reference.Rate(latest, _disclosure.PrimaryReasonFor);
        if (refBaseline.Rate is null || refLatest.Rate is null)
        {
            return Insufficient(gap, reference.Label, baselineYear, latestYear,
                $"Reference {reference.Label}: {refBaseline.Why ?? refLatest.Why}");
        }

        double focal1 = focalBaseline.Rate!.Value, focal2 = focalLatest.Rate!.Value;
        var gap1 = sign * (refBaseline.Rate.Value - focal1);
        var gap2 = sign * (refLatest.Rate.Value - focal2);
        var numbers = $"gap {F(gap1)} pp in {baselineYear} → {F(gap2)} pp in {latestYear} (focal {Pct(focal1)} → {Pct(focal2)}, reference {reference.Label} {Pct(refBaseline.Rate.Value)} → {Pct(refLatest.Rate.Value)})";
        var threshold = Options.ThresholdPercentagePoints;
        GapChange change;
        string explanation;
        var tolerance = Options.EliminationTolerancePercentagePoints;
        var closedNow = gap2 <= tolerance + Epsilon;
        var gapAtBaseline = gap1 > Math.Max(threshold, tolerance) + Epsilon;
        if (closedNow && !gapAtBaseline)
        {
            // Nothing was eliminated: there was no gap above the threshold to begin with.
            (change, explanation) = (GapChange.Unchanged, $"Unchanged: {numbers}; there was no gap above {F(Math.Max(threshold, tolerance))} pp at baseline to eliminate.");
        }
        else if (closedNow || gap1 - gap2 >= threshold - Epsilon)
        {
            // Closing a gap counts only when the focal group itself did not decline: a gap that closes because the
            // reference group fell is no progress for the focal group (Education Trust, "progress for all groups").
            var focalTrend = _trends.Evaluate(definition.Polarity, focalBaseline, focalLatest);
            var kind = closedNow ? GapChange.Eliminated : GapChange.Reduced;
            (change, explanation) = focalTrend.Direction == TrendDirection.Worsened
                ? (GapChange.Unchanged, $"Not counted as {(closedNow ? "eliminated" : "reduced")}: {numbers}; the gap closed only because the focal group got worse ({focalTrend.Explanation})")
                : closedNow
                    ? (kind, $"Eliminated: {numbers}; a gap above {F(Math.Max(threshold, tolerance))} pp at baseline is now within {F(tolerance)} pp (or reversed) and the focal group did not get worse.")
                    : (kind, $"Reduced: {numbers}; narrowed by at least {F(threshold)} pp and the focal group did not get worse.");
        }
        else if (gap2 - gap1 >= threshold - Epsilon)
        {
            (change, explanation) = (GapChange.Widened, $"Widened: {numbers}; grew by at least {F(threshold)} pp.");
        }
        else
        {
            (change, explanation) = (GapChange.Unchanged, $"Unchanged: {numbers}; moved less than {F(threshold)} pp.");
        }

        return new GapResult(gap.Id, change, gap.Reference, reference.Label, baselineYear, latestYear, focal1, focal2,
            refBaseline.Rate, refLatest.Rate, gap1, gap2, explanation);
    }

    private static ResolvedReference ResolveReference(GapDefinition gap, PopulationTaxonomy taxonomy, SuppressedTable baseline, int sign)
    {
        var focal = gap.Focal;
        switch (gap.Reference.Kind)
        {
            case GapReferenceKind.AllStudents:
                return ResolvedReference.Single(new CellKey(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents));
            case GapReferenceKind.NamedGroup:
                return ResolvedReference.Single(new CellKey(focal.Gender, gap.Reference.Population!));
            case GapReferenceKind.Complement:
                var total = focal.Population != PopulationTaxonomy.AllStudents
                    ? new CellKey(focal.Gender, PopulationTaxonomy.AllStudents)
                    : new CellKey(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents);
                return ResolvedReference.Difference(total, focal);
            default:
                var focalKind = taxonomy.Population(focal.Population).Kind;
                IEnumerable<CellKey> peers = focalKind == PopulationKind.RaceEthnicity
                    ? taxonomy.Populations.Where(p => p.Kind == PopulationKind.RaceEthnicity).Select(p => new CellKey(focal.Gender, p.Code))
                    : focal.Gender != PopulationTaxonomy.AllGenders
                        ? taxonomy.Genders.Where(g => !g.IsTotal).Select(g => new CellKey(g.Code, focal.Population))
                        : [];
                var candidates = peers.Where(c => c != focal).Select(c => baseline.Cells[c]).Where(c => c.HasExactRate).ToList();
                if (candidates.Count == 0)
                {
                    return new ResolvedReference(null, null, null, $"No published peer group of {focal} at baseline to pick a best group from.");
                }

                // Best after polarity; ties go to taxonomy order so the choice is reproducible.
                var best = candidates.OrderByDescending(c => sign * c.Rate!.Value).First();
                return ResolvedReference.Single(best.Cell);
        }
    }

    private static GapResult Insufficient(GapDefinition gap, string? referenceGroup, int? baselineYear, int? latestYear, string why) =>
        new(gap.Id, GapChange.InsufficientData, gap.Reference, referenceGroup, baselineYear, latestYear, null, null, null, null, null, null, why);

    private static string? Unusable(PublishedCell cell) => cell.Status switch
    {
        CellStatus.Suppressed => "suppressed, so it counts as insufficient data.",
        CellStatus.Missing => "no data reported.",
        CellStatus.Coded => $"only a coded range ({cell.Display}) is published.",
        _ when cell.Rate is null => "no rate published.",
        _ => null,
    };

    private static string Pct(double rate) => PublishedCell.FormatRate(rate);

    private static string F(double value) => value.ToString("0.##", CultureInfo.InvariantCulture);

    private sealed record ResolvedReference(CellKey? Cell, CellKey? Minus, string? Label, string? Error)
    {
        public static ResolvedReference Single(CellKey cell) => new(cell, null, cell.ToString(), null);

        public static ResolvedReference Difference(CellKey total, CellKey part) => new(total, part, $"{total} − {part}", null);

        public (double? Rate, string? Why) Rate(SuppressedTable table, Func<long, long, string?> primary)
        {
            var cell = table.Cells[Cell!.Value];
            if (Minus is null)
            {
                return Unusable(cell) is { } why ? (null, $"{cell.Cell} in {table.Year}: {why}") : (cell.Rate, null);
            }

            // The complement is computed from published counts only, so it reveals nothing the table does not.
            var part = table.Cells[Minus.Value];
            if (!cell.HasExactCounts || !part.HasExactCounts)
            {
                return (null, $"the complement needs published counts for {cell.Cell} and {part.Cell} in {table.Year}.");
            }

            var d = cell.Denominator!.Value - part.Denominator!.Value;
            var n = cell.Numerator!.Value - part.Numerator!.Value;
            if (d <= 0 || n < 0 || n > d)
            {
                return (null, $"the complement in {table.Year} is empty or inconsistent.");
            }

            // A gap against a small complement would publish that small group's rate: the same rule as a cell.
            return primary(n, d) is not null
                ? (null, $"the complement in {table.Year} is too small to publish, so the gap counts as insufficient data.")
                : (100.0 * n / d, null);
        }
    }
}
