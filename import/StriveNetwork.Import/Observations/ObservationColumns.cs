using System.Text.RegularExpressions;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Observations;

/// <summary>A <c>N &lt;year&gt;</c> / <c>D &lt;year&gt;</c> column pair of the wide layout.</summary>
internal sealed record YearColumns(int Year, int Numerator, int Denominator, string NumeratorHeader, string DenominatorHeader);

/// <summary>
/// Where a file's header puts the columns of its layout. Headers are matched case-insensitively, ignoring surrounding
/// spaces; aliases: <c>Numerator</c> for N, <c>Denominator</c> for D, <c>Marker</c> for Suppressed.
/// </summary>
internal sealed partial class ObservationColumns
{
    private ObservationColumns(ObservationLayout layout, IReadOnlyList<string> headers)
    {
        Layout = layout;
        Headers = headers;
    }

    public ObservationLayout Layout { get; }

    public IReadOnlyList<string> Headers { get; }

    public int Indicator { get; private init; } = -1;

    public int Year { get; private init; } = -1;

    public int Gender { get; private init; } = -1;

    public int Population { get; private init; } = -1;

    public int Numerator { get; private init; } = -1;

    public int Denominator { get; private init; } = -1;

    public int Suppressed { get; private init; } = -1;

    public IReadOnlyList<YearColumns> Years { get; private init; } = [];

    /// <summary>
    /// The columns of <paramref name="header"/> in <paramref name="layout"/>, or null with the problems found (a
    /// required column missing or given twice, a year pair incomplete).
    /// </summary>
    public static ObservationColumns? Find(TableRow header, ObservationLayout layout, ProblemReport problems)
    {
        var names = header.Cells.Select(c => c.Trim()).ToList();
        var before = problems.Count;
        int Column(string what, bool required, params string[] aliases)
        {
            var found = names.Select((n, i) => (n, i)).Where(x => aliases.Any(a => string.Equals(a, x.n, StringComparison.OrdinalIgnoreCase))).ToList();
            if (found.Count > 1)
            {
                problems.Add(new ImportProblem(header.RowNumber, found[1].n, found[1].n, $"the column {what} appears more than once"));
            }
            else if (found.Count == 0 && required)
            {
                problems.Add(new ImportProblem(header.RowNumber, what, string.Empty, $"the header has no column {what} (the {layout.ToString().ToLowerInvariant()} layout needs it)"));
            }

            return found.Count == 0 ? -1 : found[0].i;
        }

        var indicator = Column("Indicator", required: false, "Indicator", "Indicator id");
        var gender = Column("Gender", required: true, "Gender");
        var population = Column("Population", required: true, "Population");
        if (layout == ObservationLayout.Long)
        {
            var columns = new ObservationColumns(layout, names)
            {
                Indicator = indicator,
                Gender = gender,
                Population = population,
                Year = Column("Year", required: true, "Year"),
                Numerator = Column("N", required: true, "N", "Numerator"),
                Denominator = Column("D", required: true, "D", "Denominator"),
                Suppressed = Column("Suppressed", required: false, "Suppressed", "Suppressed at source", "Marker"),
            };
            return problems.Count == before ? columns : null;
        }

        var pairs = new SortedDictionary<int, (int N, int D)>();
        for (var i = 0; i < names.Count; i++)
        {
            var match = YearColumn().Match(names[i]);
            if (!match.Success)
            {
                continue;
            }

            if (CellText.Year(match.Groups[2].Value) is not { } year)
            {
                problems.Add(new ImportProblem(header.RowNumber, names[i], names[i], "the year is outside 1990..2100"));
                continue;
            }

            var isNumerator = char.ToUpperInvariant(match.Groups[1].Value[0]) == 'N';
            var pair = pairs.TryGetValue(year, out var known) ? known : (N: -1, D: -1);
            if ((isNumerator ? pair.N : pair.D) >= 0)
            {
                problems.Add(new ImportProblem(header.RowNumber, names[i], names[i], "the column appears more than once"));
                continue;
            }

            pairs[year] = isNumerator ? (i, pair.D) : (pair.N, i);
        }

        foreach (var (year, (n, d)) in pairs)
        {
            if (n < 0 || d < 0)
            {
                problems.Add(new ImportProblem(header.RowNumber, n < 0 ? $"N {year}" : $"D {year}", string.Empty, $"the year {year} needs both an N {year} and a D {year} column"));
            }
        }

        if (pairs.Count == 0)
        {
            problems.Add(new ImportProblem(header.RowNumber, "N <year>", string.Empty, "the wide layout needs at least one pair of columns 'N <year>' and 'D <year>'"));
        }

        return problems.Count == before
            ? new ObservationColumns(layout, names)
            {
                Indicator = indicator,
                Gender = gender,
                Population = population,
                Years = [.. pairs.Select(p => new YearColumns(p.Key, p.Value.N, p.Value.D, names[p.Value.N], names[p.Value.D]))],
            }
            : null;
    }

    [GeneratedRegex(@"\A([NnDd])\s*([0-9]{4})\z", RegexOptions.CultureInvariant)]
    private static partial Regex YearColumn();
}
