using System.Runtime.CompilerServices;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Applying;

/// <summary>
/// Imports a file of observations in two passes over the file (docs/import-export.md): the first reads every row and checks
/// it (shape, then the indicator's rules with the domain's <see cref="IndicatorValidator"/>, against the definition
/// fetched from the service; duplicates across the whole file) and writes nothing; only when no row has a problem
/// does the second read the file again and send its observations, in upload streams of at most
/// <see cref="MaxRowsPerStream"/> rows, each under a request id derived from the file's content
/// (<see cref="ImportRequestId"/>). Memory is bounded whatever the file's length: one row at a time, problems written
/// to the report as found, one bit per cell for duplicates, one definition per indicator.
/// </summary>
public sealed class ObservationImporter(IImportTarget target)
{
    /// <summary>Rows per upload stream (the service's limit per stream).</summary>
    public const int MaxRowsPerStream = 100_000;

    /// <summary>Most distinct indicators one file may name.</summary>
    public const int MaxIndicatorsPerFile = 1_000;

    private const int ProgressEvery = 1_000;

    /// <summary>Checks the file and, when it has no problem, applies it. Problems go to <paramref name="problems"/>.</summary>
    public async Task<ImportOutcome> ImportAsync(ObservationImportRequest request, ProblemReport problems, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(problems);
        if (!StriveId.IsValid(request.PartnershipId) || (request.IndicatorId is not null && !StriveId.IsValid(request.IndicatorId)))
        {
            throw new ArgumentException($"partnership and indicator ids are {StriveId.Rule}", nameof(request));
        }

        var parameters = $"observations|{request.Layout}|{request.PartnershipId}|{request.IndicatorId}";
        var hash = await ImportRequestId.ContentHashAsync(request.Path, parameters, cancellationToken).ConfigureAwait(false);
        var file = new TableFile(request.Path, request.Format);
        var check = await CheckAsync(file, request, problems, progress, cancellationToken).ConfigureAwait(false);
        if (problems.Count > 0)
        {
            problems.Complete();
            progress?.Report(new ImportProgress(ImportPhase.Done, check.Rows, check.Rows));
            return new ImportOutcome(check.Rows, check.Observations, problems.Count, Applied: false, Unchanged: false, 0, 0, problems.First);
        }

        // The file is read again: it must be the file that was checked.
        if (!string.Equals(hash, await ImportRequestId.ContentHashAsync(request.Path, parameters, cancellationToken).ConfigureAwait(false), StringComparison.Ordinal))
        {
            throw new TableFormatException("the file changed while it was being checked; nothing was applied");
        }

        var (accepted, replaced) = await ApplyAsync(file, request, check, hash, problems, progress, cancellationToken).ConfigureAwait(false);
        var unchanged = true;
        foreach (var (indicatorId, before) in check.Indicators)
        {
            var after = await target.GetIndicatorAsync(request.PartnershipId, indicatorId, cancellationToken).ConfigureAwait(false);
            unchanged &= after is not null && after.UpdateTime == before!.UpdateTime;
        }

        problems.Complete();
        progress?.Report(new ImportProgress(ImportPhase.Done, check.Observations, check.Observations));
        return new ImportOutcome(check.Rows, check.Observations, problems.Count, Applied: true, Unchanged: unchanged && problems.Count == 0, accepted, replaced, problems.First);
    }

    private sealed class Check
    {
        public long Rows { get; set; }

        public long Observations { get; set; }

        // Indicator id -> its snapshot when checked (null: unknown to the service), in first-seen order.
        public Dictionary<string, IndicatorSnapshot?> Indicators { get; } = new(StringComparer.Ordinal);
    }

    private async Task<Check> CheckAsync(TableFile file, ObservationImportRequest request, ProblemReport problems, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        var check = new Check();
        var cells = new Dictionary<string, CellSet>(StringComparer.Ordinal);
        var read = new List<ImportedObservation>();
        ObservationRows? rows = null;
        var sawHeader = false;
        foreach (var row in file.Rows())
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (row.IsBlank)
            {
                continue;
            }

            if (!sawHeader)
            {
                sawHeader = true;
                rows = ObservationRows.Open(row, request.Layout, request.IndicatorId, PopulationTaxonomy.Cia2024, problems);
                if (rows is null)
                {
                    return check;
                }

                continue;
            }

            check.Rows++;
            read.Clear();
            rows!.Read(row, read, problems);
            foreach (var item in read)
            {
                check.Observations++;
                if (!check.Indicators.TryGetValue(item.IndicatorId, out var snapshot))
                {
                    if (check.Indicators.Count >= MaxIndicatorsPerFile)
                    {
                        problems.Add(new ImportProblem(item.Row, "Indicator", item.IndicatorId, $"a file may name at most {MaxIndicatorsPerFile} indicators"));
                        continue;
                    }

                    snapshot = await target.GetIndicatorAsync(request.PartnershipId, item.IndicatorId, cancellationToken).ConfigureAwait(false);
                    check.Indicators[item.IndicatorId] = snapshot;
                }

                if (snapshot is null)
                {
                    problems.Add(new ImportProblem(item.Row, "Indicator", item.IndicatorId, $"partnership '{request.PartnershipId}' has no such indicator"));
                    continue;
                }

                Validate(item, snapshot.Definition, problems);
                if (PopulationTaxonomy.Find(snapshot.Definition.TaxonomyVersion) is { } taxonomy)
                {
                    var seen = cells.TryGetValue(item.IndicatorId, out var set) ? set : cells[item.IndicatorId] = new CellSet(taxonomy);
                    var o = item.Observation;
                    if (!seen.Add(o.Year, o.Gender, o.Population))
                    {
                        problems.Add(new ImportProblem(item.Row, request.Layout == ObservationLayout.Long ? "Gender" : item.NumeratorColumn, string.Empty,
                            $"the cell {o.Gender}/{o.Population} {o.Year} of indicator '{item.IndicatorId}' appears earlier in the file"));
                    }
                }
            }

            if (check.Rows % ProgressEvery == 0)
            {
                progress?.Report(new ImportProgress(ImportPhase.Checking, check.Rows, null));
            }
        }

        if (!sawHeader)
        {
            problems.Add(new ImportProblem(1, string.Empty, string.Empty, "the file is empty"));
        }
        else if (check.Observations == 0 && problems.Count == 0)
        {
            problems.Add(new ImportProblem(rows!.HeaderRow, string.Empty, string.Empty, "the file holds no observations"));
        }

        progress?.Report(new ImportProgress(ImportPhase.Checking, check.Rows, check.Rows));
        return check;
    }

    // The domain's rules for one observation under the indicator's current definition; its fields map to columns.
    private static void Validate(ImportedObservation item, IndicatorDefinition definition, ProblemReport problems)
    {
        var observation = item.Observation with { DefinitionVersion = definition.DefinitionVersion };
        foreach (var error in IndicatorValidator.Validate(definition, [observation]))
        {
            var column = error.Field switch
            {
                _ when error.Field.EndsWith(".Numerator", StringComparison.Ordinal) => item.NumeratorColumn,
                _ when error.Field.EndsWith(".Denominator", StringComparison.Ordinal) => item.DenominatorColumn,
                _ when error.Field.EndsWith(".Gender", StringComparison.Ordinal) => "Gender",
                _ when error.Field.EndsWith(".Population", StringComparison.Ordinal) => "Population",
                _ when error.Field.EndsWith(".Year", StringComparison.Ordinal) => "Year",
                _ => item.NumeratorColumn,
            };
            var value = column == item.NumeratorColumn ? observation.Numerator?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : column == item.DenominatorColumn ? observation.Denominator?.ToString(System.Globalization.CultureInfo.InvariantCulture)
                : string.Empty;
            problems.Add(new ImportProblem(item.Row, column, value ?? string.Empty, error.Message));
        }
    }

    private async Task<(int Accepted, int Replaced)> ApplyAsync(TableFile file, ObservationImportRequest request, Check check, string hash, ProblemReport problems, IProgress<ImportProgress>? progress, CancellationToken cancellationToken)
    {
        using var observations = Observations(file, request, check).GetEnumerator();
        var sent = 0L;
        var accepted = 0;
        var replaced = 0;
        for (var part = 0; sent < check.Observations; part++)
        {
            var before = sent;
            var receipt = await target.UploadAsync(
                request.PartnershipId,
                ImportRequestId.For("obs", hash, part),
                Take(observations, MaxRowsPerStream, () => sent++, n => progress?.Report(new ImportProgress(ImportPhase.Applying, n, check.Observations)), () => sent, cancellationToken),
                cancellationToken).ConfigureAwait(false);
            accepted += receipt.Accepted;
            replaced += receipt.Replaced;
            foreach (var rejection in receipt.Rejections)
            {
                problems.Add(new ImportProblem(rejection.Row, rejection.Field, string.Empty, "rejected by the service: " + rejection.Reason));
            }

            if (sent == before)
            {
                break; // the file yielded fewer observations than checked: never loop
            }
        }

        progress?.Report(new ImportProgress(ImportPhase.Applying, sent, check.Observations));
        return (accepted, replaced);
    }

    // Every observation of the file again, stamped with the definition version it was checked against (the upload's
    // guard: a definition changed in between rejects the row instead of storing it under a version never checked).
    private static IEnumerable<ImportedObservation> Observations(TableFile file, ObservationImportRequest request, Check check)
    {
        var read = new List<ImportedObservation>();
        ObservationRows? rows = null;
        foreach (var row in file.Rows())
        {
            if (row.IsBlank)
            {
                continue;
            }

            if (rows is null)
            {
                rows = ObservationRows.Open(row, request.Layout, request.IndicatorId, PopulationTaxonomy.Cia2024, new ProblemReport(null))
                    ?? throw new TableFormatException("the file changed while it was being imported");
                continue;
            }

            read.Clear();
            rows.Read(row, read, problems: null);
            foreach (var item in read)
            {
                var version = check.Indicators[item.IndicatorId]!.Definition.DefinitionVersion;
                yield return item with { Observation = item.Observation with { DefinitionVersion = version } };
            }
        }
    }

#pragma warning disable CS1998 // an async iterator over a synchronous source: the target reads it as a stream
    private static async IAsyncEnumerable<ImportedObservation> Take(
        IEnumerator<ImportedObservation> source, int count, Action onEach, Action<long> report, Func<long> sent, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        for (var i = 0; i < count && source.MoveNext(); i++)
        {
            cancellationToken.ThrowIfCancellationRequested();
            onEach();
            if (sent() % ProgressEvery == 0)
            {
                report(sent());
            }

            yield return source.Current;
        }
    }
#pragma warning restore CS1998
}
