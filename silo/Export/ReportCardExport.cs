using StriveNetwork.Import.Export;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Export;

/// <summary>
/// A report card as an export table (docs/import-export.md): one row per value the API's <c>GetReportCard</c>
/// returned, per indicator its baseline, latest, target, progress to target, trend (difference, z, p), the 36
/// disaggregated rates of the latest year and both ends of each disparity gap. Nothing is computed here: every
/// number is one the response holds. A value the API suppressed or did not report has empty value cells and its
/// status ("suppressed", "not reported") and reason; a top- or bottom-coded rate has only its display (">95%").
/// </summary>
internal static class ReportCardExport
{
    /// <summary>The export's kind.</summary>
    public const string Kind = "report-card";

    /// <summary>The columns, left to right.</summary>
    public static readonly IReadOnlyList<string> Columns =
    [
        "Partnership", "Report year", "Outcome", "Indicator", "Indicator name", "Kind", "Unit", "Measure", "Year",
        "Gender", "Population", "Gap", "Value", "Numerator", "Denominator", "Display", "Status", "Reason", "Result", "Note",
    ];

    /// <summary>The table of <paramref name="card"/>.</summary>
    public static ExportTable From(V1.GetReportCardResponse card)
    {
        ArgumentNullException.ThrowIfNull(card);
        IReadOnlyList<KeyValuePair<string, ExportCell>> about =
        [
            new("partnership", ExportCell.Of(card.PartnershipId)),
            new("partnership name", ExportCell.Of(card.DisplayName)),
            new("report year", ExportCell.Of(card.Year)),
            new("minimum n", ExportCell.Of(card.MinimumN)),
            new("generated", ExportCell.Of(card.GenerateTime?.ToDateTimeOffset().ToString("O", System.Globalization.CultureInfo.InvariantCulture))),
        ];
        return new ExportTable(Kind, about, Columns, Rows(card));
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Rows(V1.GetReportCardResponse card)
    {
        foreach (var outcome in card.Outcomes)
        {
            foreach (var indicator in outcome.Indicators)
            {
                var row = new RowStart(card, outcome.Outcome, indicator);
                var all = new V1.Group { Gender = V1.Gender.All, Population = V1.Population.AllStudents };
                yield return row.Rate("baseline", indicator.BaselineYear, all, indicator.Baseline);
                yield return row.Rate("latest", indicator.LatestYear, all, indicator.Latest);
                if (indicator.Target is { } target)
                {
                    yield return row.Value("target", target.Year, all, null, ExportCell.Of(target.Value), "shown", null, null, null);
                }

                yield return row.Derived("progress to target", indicator.LatestYear, all, null, indicator.ProgressToTargetPercent, null, null);
                if (indicator.Trend is { } trend)
                {
                    var direction = ExportNames.Words(trend.Direction);
                    var method = ExportNames.Words(trend.Method);
                    yield return row.Derived("trend", trend.LatestYear, all, null, trend.Difference, direction, trend.Explanation);
                    yield return row.Derived("trend z", trend.LatestYear, all, null, trend.ZScore, method, null);
                    yield return row.Derived("trend p", trend.LatestYear, all, null, trend.PValue, method, null);
                }

                foreach (var cell in indicator.Disaggregated)
                {
                    yield return row.Rate("rate", indicator.LatestYear, cell.Group, cell.Rate);
                }

                foreach (var gap in indicator.Gaps)
                {
                    var change = ExportNames.Words(gap.Change);
                    var focal = gap.Definition?.Focal ?? all;
                    yield return row.Derived("gap baseline", gap.BaselineYear, focal, gap.Definition?.GapId, gap.BaselineGap, change, gap.Explanation);
                    yield return row.Derived("gap latest", gap.LatestYear, focal, gap.Definition?.GapId, gap.LatestGap, change, gap.Explanation);
                }
            }
        }
    }

    /// <summary>The cells every row of one indicator starts with.</summary>
    private sealed class RowStart(V1.GetReportCardResponse card, V1.Outcome outcome, V1.ReportCardIndicator indicator)
    {
        public IReadOnlyList<ExportCell> Rate(string measure, int year, V1.Group group, V1.Rate? rate) => rate?.ValueCase switch
        {
            V1.Rate.ValueOneofCase.Shown when rate.Shown.Coding == V1.RateCoding.Exact => Value(
                measure, year, group, null, ExportCell.Of(rate.Shown.Value), "shown", rate.Shown.Display, null, null,
                rate.Shown.Counts is { } counts ? (counts.Numerator, counts.Denominator) : null),
            // A coded rate's value is the coding threshold, not the rate: only its display (">95%") is exported, so
            // that every number in the Value column is a rate as it is.
            V1.Rate.ValueOneofCase.Shown => Value(
                measure, year, group, null, ExportCell.Empty, rate.Shown.Coding == V1.RateCoding.TopCoded ? "top-coded" : "bottom-coded", rate.Shown.Display, null, null),
            V1.Rate.ValueOneofCase.Suppressed => Value(measure, year, group, null, ExportCell.Empty, "suppressed", null, rate.Suppressed.Explanation, null),
            V1.Rate.ValueOneofCase.NotReported => Value(measure, year, group, null, ExportCell.Empty, "not reported", null, rate.NotReported.Explanation, null),
            _ => Value(measure, year, group, null, ExportCell.Empty, "not reported", null, null, null),
        };

        public IReadOnlyList<ExportCell> Derived(string measure, int year, V1.Group group, string? gap, V1.SuppressibleValue? value, string? result, string? note) => value?.ValueCase switch
        {
            V1.SuppressibleValue.ValueOneofCase.Shown => Value(measure, year, group, gap, ExportCell.Of(value.Shown), "shown", null, null, result, note: note),
            V1.SuppressibleValue.ValueOneofCase.Suppressed => Value(measure, year, group, gap, ExportCell.Empty, "suppressed", null, value.Suppressed.Explanation, result, note: note),
            V1.SuppressibleValue.ValueOneofCase.NotReported => Value(measure, year, group, gap, ExportCell.Empty, "not reported", null, value.NotReported.Explanation, result, note: note),
            _ => Value(measure, year, group, gap, ExportCell.Empty, "not reported", null, null, result, note: note),
        };

        public IReadOnlyList<ExportCell> Value(
            string measure, int year, V1.Group group, string? gap, ExportCell value, string status, string? display, string? reason, string? result,
            (int Numerator, int Denominator)? counts = null, string? note = null) =>
        [
            ExportCell.Of(card.PartnershipId),
            ExportCell.Of(card.Year),
            ExportCell.Of(ExportNames.Words(outcome)),
            ExportCell.Of(indicator.IndicatorId),
            ExportCell.Of(indicator.DisplayName),
            ExportCell.Of(ExportNames.Words(indicator.Kind)),
            ExportCell.Of(ExportNames.Words(indicator.Unit)),
            ExportCell.Of(measure),
            year > 0 ? ExportCell.Of(year) : ExportCell.Empty,
            ExportCell.Of(ExportNames.Of(group.Gender)),
            ExportCell.Of(ExportNames.Of(group.Population)),
            ExportCell.Of(gap),
            value,
            counts is { } n ? ExportCell.Of(n.Numerator) : ExportCell.Empty,
            counts is { } d ? ExportCell.Of(d.Denominator) : ExportCell.Empty,
            ExportCell.Of(display),
            ExportCell.Of(status),
            ExportCell.Of(reason),
            ExportCell.Of(result),
            ExportCell.Of(note),
        ];
    }
}
