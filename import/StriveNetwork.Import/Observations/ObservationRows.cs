using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Observations;

/// <summary>
/// Turns the rows of a file into observations: the header is located once, then each row yields its observations
/// (one in the long layout, one per filled year pair in the wide layout) or the problems that keep it out. Only the
/// shape of the text is checked here (codes, numbers, markers); the rules of an indicator are the domain validator's.
/// </summary>
internal sealed class ObservationRows
{
    private readonly ObservationColumns _columns;
    private readonly string? _indicatorId;
    private readonly PopulationTaxonomy _taxonomy;

    private ObservationRows(ObservationColumns columns, string? indicatorId, PopulationTaxonomy taxonomy)
    {
        _columns = columns;
        _indicatorId = indicatorId;
        _taxonomy = taxonomy;
    }

    /// <summary>Row number of the header.</summary>
    public int HeaderRow { get; private init; }

    /// <summary>
    /// Reads the header row <paramref name="header"/> (the first non-blank row) and returns the reader of the rows after
    /// it, or null when the header does not fit <paramref name="layout"/> (the problems say why).
    /// <paramref name="indicatorId"/> is the indicator of every row; without it the file needs an <c>Indicator</c> column.
    /// </summary>
    public static ObservationRows? Open(TableRow header, ObservationLayout layout, string? indicatorId, PopulationTaxonomy taxonomy, ProblemReport problems)
    {
        var columns = ObservationColumns.Find(header, layout, problems);
        if (columns is null)
        {
            return null;
        }

        if (indicatorId is null && columns.Indicator < 0)
        {
            problems.Add(new ImportProblem(header.RowNumber, "Indicator", string.Empty, "no indicator given: name one for the file, or add an Indicator column"));
            return null;
        }

        return new ObservationRows(columns, indicatorId, taxonomy) { HeaderRow = header.RowNumber };
    }

    /// <summary>Adds the observations of <paramref name="row"/> to <paramref name="into"/>, or its problems to <paramref name="problems"/>.</summary>
    public void Read(TableRow row, List<ImportedObservation> into, ProblemReport? problems)
    {
        var before = problems?.Count ?? 0;
        var indicatorId = _indicatorId;
        if (_columns.Indicator >= 0 && row[_columns.Indicator].Trim() is { Length: > 0 } named)
        {
            if (!StriveId.IsValid(named))
            {
                problems?.Add(Problem(row, _columns.Indicator, $"not an indicator id ({StriveId.Rule})"));
                return;
            }

            if (_indicatorId is not null && !string.Equals(named, _indicatorId, StringComparison.Ordinal))
            {
                problems?.Add(Problem(row, _columns.Indicator, "the row names another indicator than the one imported"));
                return;
            }

            indicatorId = named;
        }

        if (indicatorId is null)
        {
            problems?.Add(Problem(row, _columns.Indicator, "the row names no indicator"));
            return;
        }

        var gender = CellText.Gender(_taxonomy, row[_columns.Gender]);
        if (gender is null)
        {
            problems?.Add(Problem(row, _columns.Gender, $"not a gender of taxonomy {_taxonomy.Version} ({string.Join(", ", _taxonomy.Genders.Select(g => g.Name))})"));
        }

        var population = CellText.Population(_taxonomy, row[_columns.Population]);
        if (population is null)
        {
            problems?.Add(Problem(row, _columns.Population, $"not a population of taxonomy {_taxonomy.Version}"));
        }

        if (_columns.Layout == ObservationLayout.Long)
        {
            var year = CellText.Year(row[_columns.Year]);
            if (year is null)
            {
                problems?.Add(Problem(row, _columns.Year, "not a year in 1990..2100"));
            }

            var marker = _columns.Suppressed >= 0 ? row[_columns.Suppressed].Trim() : string.Empty;
            if (marker.Length > CellText.MaxMarkerLength)
            {
                problems?.Add(Problem(row, _columns.Suppressed, $"a suppression marker has at most {CellText.MaxMarkerLength} characters"));
                return;
            }

            var cell = Cell(row, _columns.Numerator, _columns.Denominator, marker.Length > 0 ? marker : null, required: true, problems);
            if (gender is not null && population is not null && year is not null && cell is { } value && (problems?.Count ?? 0) == before)
            {
                into.Add(Imported(row, indicatorId, year.Value, gender, population, value, _columns.Numerator, _columns.Denominator));
            }

            return;
        }

        foreach (var pair in _columns.Years)
        {
            var cell = Cell(row, pair.Numerator, pair.Denominator, marker: null, required: false, problems);
            if (gender is not null && population is not null && cell is { } value)
            {
                into.Add(Imported(row, indicatorId, pair.Year, gender, population, value, pair.Numerator, pair.Denominator));
            }
        }
    }

    private ImportedObservation Imported(TableRow row, string indicatorId, int year, string gender, string population, (long? N, long? D, string? Marker) value, int n, int d)
    {
        var observation = new Observation(year, gender, population, value.N, value.D, SuppressedAtSource: value.Marker is not null, DefinitionVersion: 1);
        return new ImportedObservation(row.RowNumber, indicatorId, observation, value.Marker, _columns.Headers[n], _columns.Headers[d]);
    }

    // A numerator/denominator pair: counts, a source-suppressed cell (a marker in either cell or in the Suppressed
    // column), nothing (wide layout: a year without data), or problems. Null when there is no observation.
    private (long? N, long? D, string? Marker)? Cell(TableRow row, int nColumn, int dColumn, string? marker, bool required, ProblemReport? problems)
    {
        var nKind = CellText.Count(row[nColumn], out var n);
        var dKind = CellText.Count(row[dColumn], out var d);
        if (nKind == CountKind.Invalid)
        {
            problems?.Add(Problem(row, nColumn, "not a whole number, NA or a suppression marker (such as *, - or n<10)"));
        }

        if (dKind == CountKind.Invalid)
        {
            problems?.Add(Problem(row, dColumn, "not a whole number, NA or a suppression marker (such as *, - or n<10)"));
        }

        if (nKind == CountKind.Invalid || dKind == CountKind.Invalid)
        {
            return null;
        }

        // The API carries counts as 32-bit integers; the domain checks sign and order.
        if (n > int.MaxValue || d > int.MaxValue)
        {
            problems?.Add(Problem(row, n > int.MaxValue ? nColumn : dColumn, "a count is at most 2147483647"));
            return null;
        }

        var cellMarker = marker ?? (nKind == CountKind.Marker ? row[nColumn].Trim() : dKind == CountKind.Marker ? row[dColumn].Trim() : null);
        if (cellMarker is not null)
        {
            if (nKind == CountKind.Count || dKind == CountKind.Count)
            {
                problems?.Add(Problem(row, nKind == CountKind.Count ? nColumn : dColumn, "a cell suppressed at source carries no counts"));
                return null;
            }

            return (null, null, cellMarker);
        }

        if (nKind == CountKind.Missing && dKind == CountKind.Missing)
        {
            if (required)
            {
                problems?.Add(Problem(row, nColumn, "no value: give N and D, or the source's suppression marker"));
            }

            return null;
        }

        if (nKind == CountKind.Missing || dKind == CountKind.Missing)
        {
            problems?.Add(Problem(row, nKind == CountKind.Missing ? nColumn : dColumn, "N and D must be given together"));
            return null;
        }

        return (n, d, null);
    }

    private ImportProblem Problem(TableRow row, int column, string reason) =>
        new(row.RowNumber, column >= 0 ? _columns.Headers[column] : string.Empty, column >= 0 ? row[column] : string.Empty, reason);
}
