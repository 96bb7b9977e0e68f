using System.Text.Json;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Trends;

/// <summary>
/// One indicator's published rates by year, as GetIndicator returns them to the signed-in person (after suppression):
/// the total cell (all genders, all students) and the focal groups of its gap definitions, with its targets. A
/// suppressed or unreported year carries the API's <see cref="V1.Rate"/> as is, so the table says "suppressed" and the
/// chart draws a gap: no number is ever made up for it.
/// </summary>
public sealed record YearlySeries(IReadOnlyList<V1.Group> Groups, IReadOnlyList<YearlySeries.Row> Rows)
{
    /// <summary>At most this many focal groups are charted beside the total (the chart stays readable).</summary>
    public const int MaxFocalGroups = 3;

    /// <summary>One year of the table: a rate per group (in <see cref="Groups"/> order) and the target set for that year.</summary>
    public sealed record Row(int Year, IReadOnlyList<V1.Rate?> Rates, double? Target);

    /// <summary>The total cell, charted first.</summary>
    public static readonly V1.Group Total = new() { Gender = V1.Gender.All, Population = V1.Population.AllStudents };

    /// <summary>The series of <paramref name="response"/>: its years with data, and its targets' years.</summary>
    public static YearlySeries From(V1.GetIndicatorResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var groups = new List<V1.Group> { Total };
        foreach (var gap in response.Gaps)
        {
            if (gap.Definition?.Focal is { } focal && groups.Count <= MaxFocalGroups && !groups.Contains(focal))
            {
                groups.Add(focal);
            }
        }

        var years = new SortedDictionary<int, (V1.Rate?[] Rates, double? Target)>();
        (V1.Rate?[] Rates, double? Target) At(int year) =>
            years.TryGetValue(year, out var row) ? row : years[year] = (new V1.Rate?[groups.Count], null);

        foreach (var year in response.Series)
        {
            var rates = At(year.Year).Rates;
            foreach (var cell in year.Cells)
            {
                var index = groups.IndexOf(cell.Group);
                if (index >= 0)
                {
                    rates[index] = cell.Rate;
                }
            }
        }

        foreach (var target in response.Indicator?.Definition?.Targets ?? [])
        {
            years[target.Year] = (At(target.Year).Rates, target.Value);
        }

        return new YearlySeries(groups, [.. years.Select(y => new Row(y.Key, y.Value.Rates, y.Value.Target))]);
    }

    /// <summary>
    /// The chart's data (read by js/charts.js): every year from the first to the last, a line per group with null
    /// where the year is missing, suppressed or not reported (a gap in the line), and the targets.
    /// </summary>
    public string ToChartJson()
    {
        if (Rows.Count == 0)
        {
            return JsonSerializer.Serialize(new { years = Array.Empty<int>(), lines = Array.Empty<object>(), targets = Array.Empty<double?>() });
        }

        // Years are 1990..2100 (the API validates them), so the span is bounded.
        var first = Rows[0].Year;
        var years = Enumerable.Range(first, Rows[^1].Year - first + 1).ToArray();
        var byYear = Rows.ToDictionary(r => r.Year);
        double? Shown(int year, int group) =>
            byYear.TryGetValue(year, out var row) && row.Rates[group] is { ValueCase: V1.Rate.ValueOneofCase.Shown } rate ? rate.Shown.Value : null;

        return JsonSerializer.Serialize(new
        {
            years,
            lines = Groups.Select((g, i) => new { name = Label(g), values = years.Select(y => Shown(y, i)).ToArray() }).ToArray(),
            targets = years.Select(y => byYear.TryGetValue(y, out var row) ? row.Target : null).ToArray(),
        });
    }

    /// <summary>"All students", or "Black (female)" for a focal group.</summary>
    public static string Label(V1.Group group)
    {
        ArgumentNullException.ThrowIfNull(group);
        var population = Api.ProtoNames.Label(group.Population);
        return group.Gender == V1.Gender.All ? population : $"{population} ({Api.ProtoNames.Label(group.Gender).ToLowerInvariant()})";
    }
}
