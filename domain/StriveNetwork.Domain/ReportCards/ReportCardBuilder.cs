using System.Globalization;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Settings;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.ReportCards;

/// <summary>An indicator series and the disparity gaps to report for it.</summary>
public sealed record ReportCardInput(IndicatorSeries Series, IReadOnlyList<GapDefinition> Gaps);

/// <summary>
/// Builds report cards. Every number goes through the <see cref="SmallCellSuppressor"/> first; trends, gaps and
/// progress are computed from published cells only, so nothing on the card reveals a suppressed cell.
/// Contributing indicators are left out: the card reports core indicators per outcome.
/// </summary>
public sealed class ReportCardBuilder(SmallCellSuppressor suppressor, TrendRules trends, GapRules gaps)
{
    private static readonly CellKey Headline = new(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents);

    private readonly SmallCellSuppressor _suppressor = suppressor ?? throw new ArgumentNullException(nameof(suppressor));
    private readonly TrendRules _trends = trends ?? throw new ArgumentNullException(nameof(trends));
    private readonly GapRules _gaps = gaps ?? throw new ArgumentNullException(nameof(gaps));

    public ReportCardBuilder()
        : this(PartnershipRuleSettings.Default)
    {
    }

    /// <summary>A builder whose suppression, trends and gaps all follow a partnership's validated rule settings.</summary>
    /// <exception cref="IndicatorValidationException">The settings are invalid.</exception>
    public ReportCardBuilder(PartnershipRuleSettings settings)
        : this(new SmallCellSuppressor(settings), new TrendRules(settings), new GapRules(settings))
    {
    }

    public ReportCard Build(string title, IEnumerable<ReportCardInput> inputs)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        ArgumentNullException.ThrowIfNull(inputs);
        var cards = inputs
            .Where(i => i.Series.Definition.Role == IndicatorRole.Core)
            .Select(Card)
            .ToList();
        var sections = cards
            .GroupBy(c => c.Outcome)
            .OrderBy(g => (int)g.Key)
            .Select(g => new OutcomeSection(g.Key, [.. g.Select(c => c.Card).OrderBy(c => c.IndicatorId, StringComparer.Ordinal)]))
            .ToList();
        return new ReportCard(title, sections);
    }

    private (Outcome Outcome, IndicatorCard Card) Card(ReportCardInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var published = _suppressor.Publish(input.Series);
        var definition = published.Definition;
        var version = definition.DefinitionVersion;
        int? latestYear = published.Years(version).Cast<int?>().LastOrDefault();
        var baselineCell = published.Cell(version, definition.BaselineYear, Headline);
        var latestCell = latestYear is { } y ? published.Cell(version, y, Headline) : null;
        var baseline = baselineCell is null ? null : Reported(baselineCell);
        var latest = latestCell is null ? null : Reported(latestCell);
        var target = latestYear is { } ly && definition.TargetFor(ly) is { } t ? new TargetValue(t.Key, t.Value) : null;
        var (progress, progressWhy) = Progress(baseline, latest, target);

        var disaggregated = latestYear is { } year && published.Table(version, year) is { } table
            ? table.InOrder().Select(c => Disaggregate(published.Taxonomy, c)).ToList()
            : [];
        var gapResults = input.Gaps.Select(g => _gaps.Evaluate(g, published)).ToList();
        var card = new IndicatorCard(definition.Id, definition.Name, definition.Polarity, definition.Unit, version,
            baseline, latest, target, progress, progressWhy, _trends.Evaluate(published, Headline), disaggregated, gapResults);
        return (definition.Outcome, card);
    }

    private static ReportedValue Reported(PublishedCell cell) => new(cell.Year, cell.Display, cell.HasExactRate ? cell.Rate : null);

    private static (double? Progress, string Why) Progress(ReportedValue? baseline, ReportedValue? latest, TargetValue? target)
    {
        if (target is null)
        {
            return (null, "No target set.");
        }

        if (baseline?.Rate is not { } b)
        {
            return (null, "Baseline not published exactly for this definition version.");
        }

        if (latest?.Rate is not { } l || latest.Year == baseline.Year)
        {
            return (null, "No later value published exactly.");
        }

        if (Math.Abs(target.Rate - b) < 1e-9)
        {
            return (null, "Target equals the baseline; no change was targeted.");
        }

        var progress = 100 * (l - b) / (target.Rate - b);
        return (progress, $"{F(progress)}% of the targeted change from {F(b)}% ({baseline.Year}) to {F(target.Rate)}% ({target.Year}) achieved by {latest.Year}.");
    }

    private static DisaggregatedValue Disaggregate(PopulationTaxonomy taxonomy, PublishedCell cell)
    {
        var gender = taxonomy.Gender(cell.Cell.Gender);
        var population = taxonomy.Population(cell.Cell.Population);
        return cell.Status switch
        {
            CellStatus.Shown => new(gender.Code, gender.Name, population.Code, population.Name, cell.Display, cell.Numerator, cell.Denominator, cell.Rate),
            CellStatus.Coded => new(gender.Code, gender.Name, population.Code, population.Name, cell.Display, null, cell.Denominator, null),
            _ => new(gender.Code, gender.Name, population.Code, population.Name, cell.Display, null, null, null),
        };
    }

    private static string F(double value) => value.ToString("0.#", CultureInfo.InvariantCulture);
}
