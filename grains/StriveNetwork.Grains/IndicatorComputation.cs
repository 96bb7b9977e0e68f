using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Grains.Abstractions;
using DomainGapDefinition = StriveNetwork.Domain.Indicators.GapDefinition;

namespace StriveNetwork.Grains;

/// <summary>
/// Turns stored indicator data into published (suppressed) views. Everything a caller sees is computed from
/// <see cref="PublishedSeries"/>, never from raw observations, so no suppressed cell reaches a trend, gap or view.
/// </summary>
internal sealed class IndicatorComputation
{
    private static readonly CellKey Headline = new(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents);

    private readonly SmallCellSuppressor _suppressor;
    private readonly TrendRules _trends;
    private readonly GapRules _gaps;

    /// <summary>Computation under one partnership's rule settings (validated by the domain).</summary>
    public IndicatorComputation(PartnershipRuleSettings settings)
    {
        ArgumentNullException.ThrowIfNull(settings);
        Settings = settings.EnsureValid();
        _suppressor = new SmallCellSuppressor(Settings);
        _trends = new TrendRules(Settings);
        _gaps = new GapRules(Settings);
    }

    public PartnershipRuleSettings Settings { get; }

    public int MinimumN => Settings.MinimumN;

    public static string Taxonomy(IndicatorSpec spec) =>
        string.IsNullOrEmpty(spec.TaxonomyVersion) ? PopulationTaxonomy.Cia2024.Version : spec.TaxonomyVersion;

    public static IndicatorDefinition ToDomain(string indicatorId, IndicatorSpec spec) => new(
        indicatorId,
        spec.DisplayName,
        spec.Outcome,
        spec.Kind,
        spec.Polarity,
        string.IsNullOrEmpty(spec.Unit) ? "percent" : spec.Unit,
        spec.BaselineYear,
        spec.Targets.ToDictionary(t => t.Year, t => t.Value),
        spec.DefinitionVersion,
        Taxonomy(spec));

    public static DomainGapDefinition ToDomain(string indicatorId, GapSpec gap) => new(
        gap.GapId,
        indicatorId,
        gap.FocalGender,
        gap.FocalPopulation,
        gap.ReferenceRule == GapReferenceKind.NamedGroup
            ? GapReference.NamedGroup(gap.ReferencePopulation ?? string.Empty)
            : new GapReference(gap.ReferenceRule));

    public static Observation ToDomain(StoredObservation o) => new(
        o.Year, o.Gender, o.Population, o.Numerator, o.Denominator, o.SuppressedAtSource, o.Version);

    /// <summary>The series of one definition version (its own observations only).</summary>
    public static IndicatorSeries Series(string indicatorId, IndicatorSpec spec, IEnumerable<StoredObservation> observations) =>
        IndicatorSeries.Create(ToDomain(indicatorId, spec))
            .With(observations.Where(o => o.Version == spec.DefinitionVersion).Select(ToDomain));

    public PublishedSeries Publish(IndicatorSeries series) => _suppressor.Publish(series);

    /// <summary>The publication of <paramref name="series"/>, suppressing again only the <paramref name="changed"/> tables (see <see cref="SmallCellSuppressor.Republish"/>).</summary>
    public PublishedSeries Republish(IndicatorSeries series, PublishedSeries previous, IReadOnlySet<(int Version, int Year)> changed) =>
        _suppressor.Republish(series, previous, changed);

    /// <summary>The series restricted to years up to <paramref name="year"/> (suppression is per year, so this is exact).</summary>
    public static PublishedSeries UpTo(PublishedSeries series, int year) =>
        new(series.Definition, series.Taxonomy, [.. series.Tables.Where(t => t.Year <= year)]);

    public TrendView Trend(PublishedSeries series)
    {
        var result = _trends.Evaluate(series, Headline);
        var baselineCell = series.Cell(series.Definition.DefinitionVersion, series.Definition.BaselineYear, Headline);
        var latestCell = result.LatestYear is { } ly ? series.Cell(series.Definition.DefinitionVersion, ly, Headline) : null;
        var hidden = IsHidden(baselineCell) || IsHidden(latestCell);
        DerivedValue Derived(double? value, string what) => value is { } v
            ? DerivedValue.Shown(v)
            : hidden ? DerivedValue.Suppressed($"{what} needs a suppressed cell.") : DerivedValue.NotReported($"{what} is not available.");
        var method = result.Direction == TrendDirection.InsufficientData ? TrendMethod.None : result.Method;
        var z = method == TrendMethod.ToleranceBand ? DerivedValue.NotReported("Tolerance band used; no test statistic.") : Derived(result.Z, "The z statistic");
        var p = method == TrendMethod.ToleranceBand ? DerivedValue.NotReported("Tolerance band used; no test statistic.") : Derived(result.P, "The p-value");
        return new TrendView(result.Direction, series.Definition.BaselineYear, result.LatestYear ?? 0,
            Derived(result.Difference, "The difference"), method, z, p, result.Explanation);
    }

    public IReadOnlyList<GapView> Gaps(PublishedSeries series, IReadOnlyList<GapSpec> specs) =>
        [.. specs.Select(g => Gap(series, g))];

    public GapView Gap(PublishedSeries series, GapSpec spec)
    {
        var r = _gaps.Evaluate(ToDomain(series.Definition.Id, spec), series);
        var insufficient = r.Change == GapChange.InsufficientData;
        DerivedValue Derived(double? v, string what) => v is { } x
            ? DerivedValue.Shown(x)
            : insufficient ? DerivedValue.Suppressed($"{what} needs a suppressed, coded or missing cell.") : DerivedValue.NotReported($"{what} is not available.");
        string? refGender = null;
        string? refPopulation = null;
        var complement = spec.ReferenceRule == GapReferenceKind.Complement;
        if (r.ReferenceGroup is { } group)
        {
            var first = group.Split(' ')[0];
            var parts = first.Split('/');
            if (parts.Length == 2)
            {
                refGender = parts[0];
                refPopulation = parts[1];
            }
        }

        return new GapView(spec, refGender, refPopulation, complement, series.Definition.BaselineYear, r.LatestYear ?? 0,
            Derived(r.BaselineGap, "The baseline gap"), Derived(r.LatestGap, "The latest gap"), r.Change, r.Explanation);
    }

    public static RateView Rate(PublishedCell? cell)
    {
        if (cell is null || cell.Status == CellStatus.Missing)
        {
            return new RateView(RateState.NotReported, null, null, null, PublishedCell.MissingSymbol, "No observation.");
        }

        if (cell.Status == CellStatus.Suppressed)
        {
            return cell.Reason == SuppressionReason.SuppressedAtSource
                ? new RateView(RateState.SuppressedAtSource, null, null, null, PublishedCell.SuppressedSymbol, "Suppressed at source.")
                : new RateView(RateState.Suppressed, null, null, null, PublishedCell.SuppressedSymbol, "Small cell.");
        }

        if (cell.Status == CellStatus.Coded)
        {
            var top = cell.Display.StartsWith('>');
            var threshold = double.TryParse(cell.Display.Trim('>', '<', '%'), System.Globalization.CultureInfo.InvariantCulture, out var t) ? t : (double?)null;
            return new RateView(top ? RateState.TopCoded : RateState.BottomCoded, threshold, null, null, cell.Display, top ? "Top coded." : "Bottom coded.");
        }

        return new RateView(RateState.Shown, cell.Rate, cell.Numerator, cell.Denominator, cell.Display, string.Empty);
    }

    public static IReadOnlyList<CellView> Cells(PublishedSeries series, int version, int year) =>
        [.. series.Taxonomy.Cells.Select(c => new CellView(c.Gender, c.Population, Rate(series.Cell(version, year, c))))];

    /// <summary>The summary the partnership keeps: the domain's indicator status (current and per year), as a stored record.</summary>
    public IndicatorSummary Summary(string partnershipId, string indicatorId, long sequence, IndicatorSpec spec, PublishedSeries series)
    {
        var status = IndicatorStatus.Summarize(series, [.. spec.Gaps.Select(g => ToDomain(indicatorId, g))], _trends, _gaps);
        return new IndicatorSummary(partnershipId, indicatorId, sequence, spec.Outcome, spec.Kind,
            status.Trend,
            [.. status.Gaps.Select(g => g.Change)],
            [.. status.Gaps.Select(g => g.GapId)],
            [.. status.ByYear.Select(y => new IndicatorYearSummary(y.Year, y.Trend, [.. y.Gaps.Select(g => g.Change)]))],
            [.. status.Gaps.Select(g => g.FocalGroup)]);
    }

    public ReportCardIndicatorView? ReportCardEntry(IndicatorSpec spec, PublishedSeries full, int year)
    {
        var series = year == 0 ? full : UpTo(full, year);
        var version = spec.DefinitionVersion;
        var years = series.Years(version);
        if (years.Count == 0)
        {
            return null;
        }

        var latestYear = years[^1];
        var baselineCell = series.Cell(version, spec.BaselineYear, Headline);
        var latestCell = series.Cell(version, latestYear, Headline);
        var target = spec.Targets.Where(t => t.Year >= latestYear).OrderBy(t => t.Year).FirstOrDefault();
        var progress = Progress(baselineCell, latestCell, target);
        return new ReportCardIndicatorView(series.Definition.Id, spec.DisplayName, spec.Kind, spec.Polarity, version,
            spec.BaselineYear, Rate(baselineCell), latestYear, Rate(latestCell), target, progress, Trend(series),
            Cells(series, version, latestYear), Gaps(series, spec.Gaps));
    }

    private static DerivedValue Progress(PublishedCell? baseline, PublishedCell? latest, TargetSpec? target)
    {
        if (target is null)
        {
            return DerivedValue.NotReported("No target at or after the latest year.");
        }

        if (IsHidden(baseline) || IsHidden(latest))
        {
            return DerivedValue.Suppressed("Progress needs a suppressed or coded value.");
        }

        if (baseline?.HasExactRate != true || latest?.HasExactRate != true || baseline.Year == latest.Year)
        {
            return DerivedValue.NotReported("No baseline and later value to compare.");
        }

        var b = baseline.Rate!.Value;
        return Math.Abs(target.Value - b) < 1e-9
            ? DerivedValue.NotReported("The target equals the baseline.")
            : DerivedValue.Shown(100 * (latest.Rate!.Value - b) / (target.Value - b));
    }

    private static bool IsHidden(PublishedCell? cell) => cell is { Status: CellStatus.Suppressed or CellStatus.Coded };
}
