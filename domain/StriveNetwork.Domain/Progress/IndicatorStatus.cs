using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Progress;

/// <summary>The change of one gap definition, with its focal group (so gaps can be counted per disparity).</summary>
public sealed record GapStatus(string GapId, string FocalGroup, GapChange Change);

/// <summary>An indicator's headline trend and gap changes as of one year (baseline against the latest year up to it).</summary>
public sealed record IndicatorYearStatus(int Year, TrendDirection Trend, IReadOnlyList<GapStatus> Gaps);

/// <summary>
/// What one indicator tells its partnership's status, computed from published (suppressed) data only: the current
/// headline trend and gap changes, and the same as of every year with data (for the per-year replay).
/// </summary>
public sealed record IndicatorStatus(
    string IndicatorId,
    Outcome Outcome,
    IndicatorRole Role,
    TrendDirection Trend,
    IReadOnlyList<GapStatus> Gaps,
    IReadOnlyList<IndicatorYearStatus> ByYear)
{
    private static readonly CellKey Headline = new(PopulationTaxonomy.AllGenders, PopulationTaxonomy.AllStudents);

    /// <summary>The trend now (<paramref name="year"/> null) or as of the end of a year.</summary>
    public TrendDirection TrendAsOf(int? year) =>
        year is not { } y ? Trend : LastUpTo(y)?.Trend ?? TrendDirection.InsufficientData;

    /// <summary>The gap changes now or as of a year; before any data every gap is insufficient data.</summary>
    public IReadOnlyList<GapStatus> GapsAsOf(int? year) =>
        year is not { } y
            ? Gaps
            : LastUpTo(y)?.Gaps ?? [.. Gaps.Select(g => g with { Change = GapChange.InsufficientData })];

    // The last entry (in list order) of a year up to <paramref name="year"/>; a loop, as every snapshot build asks this
    // for every indicator and year.
    private IndicatorYearStatus? LastUpTo(int year)
    {
        IndicatorYearStatus? last = null;
        for (var i = 0; i < ByYear.Count; i++)
        {
            if (ByYear[i].Year <= year)
            {
                last = ByYear[i];
            }
        }

        return last;
    }

    /// <summary>
    /// Evaluates a published series: the headline (all/all) trend and every gap, now and as of each year of the
    /// current definition version. Suppression is per table, so cutting the series at a year is exact.
    /// </summary>
    public static IndicatorStatus Summarize(PublishedSeries series, IReadOnlyList<GapDefinition> gaps, TrendRules trends, GapRules gapRules)
    {
        ArgumentNullException.ThrowIfNull(series);
        ArgumentNullException.ThrowIfNull(gaps);
        ArgumentNullException.ThrowIfNull(trends);
        ArgumentNullException.ThrowIfNull(gapRules);
        var definition = series.Definition;
        IReadOnlyList<GapStatus> Evaluate(PublishedSeries s) =>
            [.. gaps.Select(g => new GapStatus(g.Id, g.Focal.ToString(), gapRules.Evaluate(g, s).Change))];

        var byYear = series.Years(definition.DefinitionVersion)
            .Select(year => (Year: year, Series: UpTo(series, year)))
            .Select(x => new IndicatorYearStatus(x.Year, trends.Evaluate(x.Series, Headline).Direction, Evaluate(x.Series)))
            .ToList();
        return new IndicatorStatus(definition.Id, definition.Outcome, definition.Role,
            trends.Evaluate(series, Headline).Direction, Evaluate(series), byYear);
    }

    /// <summary>The series restricted to tables up to a year.</summary>
    public static PublishedSeries UpTo(PublishedSeries series, int year)
    {
        ArgumentNullException.ThrowIfNull(series);
        return new PublishedSeries(series.Definition, series.Taxonomy, [.. series.Tables.Where(t => t.Year <= year)]);
    }
}
