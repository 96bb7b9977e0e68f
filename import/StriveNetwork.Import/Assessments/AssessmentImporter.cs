using System.Globalization;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Import.Assessments;

/// <summary>
/// Imports benchmark assessments: one row per benchmark with columns <c>Benchmark</c>, <c>Status</c> (Not started,
/// In progress, Met), <c>Date</c> (yyyy-mm-dd, or an Excel date), <c>Assessor</c> and optionally <c>Evidence</c>.
/// Every row is checked against the partnership's framework (fetched from the service) and the API's limits before
/// anything is written; a file without problems is recorded as one atomic assessment under a request id derived from
/// the file's content, so importing it again is a replay that changes nothing (the partnership's etag stays).
/// </summary>
public sealed class AssessmentImporter(IImportTarget target, TimeProvider? time = null)
{
    /// <summary>Most rows (the API's limit per assessment).</summary>
    public const int MaxRows = 500;

    /// <summary>Longest evidence note.</summary>
    public const int MaxEvidenceLength = 4_000;

    /// <summary>Longest assessor.</summary>
    public const int MaxAssessorLength = 200;

    private readonly TimeProvider _time = time ?? TimeProvider.System;

    /// <summary>Checks the file and, when it has no problem, records it.</summary>
    public async Task<ImportOutcome> ImportAsync(AssessmentImportRequest request, ProblemReport problems, IProgress<ImportProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(problems);
        if (!StriveId.IsValid(request.PartnershipId))
        {
            throw new ArgumentException($"partnership ids are {StriveId.Rule}", nameof(request));
        }

        var partnership = await target.GetPartnershipAsync(request.PartnershipId, cancellationToken).ConfigureAwait(false);
        var framework = partnership is { } p ? FrameworkCatalog.Embedded.Find(p.FrameworkId) : null;
        if (partnership is null || framework is null)
        {
            problems.Add(new ImportProblem(1, string.Empty, string.Empty, partnership is null
                ? $"partnership '{request.PartnershipId}' does not exist"
                : "the partnership's framework is not known to this importer"));
            problems.Complete();
            return new ImportOutcome(0, 0, problems.Count, false, false, 0, 0, problems.First);
        }

        var hash = await ImportRequestId.ContentHashAsync(request.Path, $"assessments|{request.PartnershipId}", cancellationToken).ConfigureAwait(false);
        var assessments = new List<BenchmarkAssessment>();
        var rowCount = Read(new TableFile(request.Path, request.Format), framework, assessments, problems);
        progress?.Report(new ImportProgress(ImportPhase.Checking, rowCount, rowCount));
        if (problems.Count > 0)
        {
            problems.Complete();
            return new ImportOutcome(rowCount, assessments.Count, problems.Count, false, false, 0, 0, problems.First);
        }

        var etag = await target.RecordAssessmentsAsync(request.PartnershipId, ImportRequestId.For("asm", hash, 0), assessments, cancellationToken).ConfigureAwait(false);
        problems.Complete();
        progress?.Report(new ImportProgress(ImportPhase.Done, rowCount, rowCount));
        var unchanged = string.Equals(etag, partnership.Value.Etag, StringComparison.Ordinal);
        return new ImportOutcome(rowCount, assessments.Count, 0, true, unchanged, unchanged ? 0 : assessments.Count, 0, []);
    }

    private int Read(TableFile file, TheoryOfActionFramework framework, List<BenchmarkAssessment> into, ProblemReport problems)
    {
        int[]? columns = null;
        string[] headers = [];
        var rows = 0;
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        var today = DateOnly.FromDateTime(_time.GetUtcNow().UtcDateTime);
        foreach (var row in file.Rows())
        {
            if (row.IsBlank)
            {
                continue;
            }

            if (columns is null)
            {
                headers = [.. row.Cells.Select(c => c.Trim())];
                columns = Columns(row, headers, problems);
                if (columns is null)
                {
                    return 0;
                }

                continue;
            }

            if (++rows > MaxRows)
            {
                problems.Add(new ImportProblem(row.RowNumber, string.Empty, string.Empty, $"an assessment file has at most {MaxRows} rows"));
                return rows;
            }

            var before = problems.Count;
            ImportProblem Problem(int column, string reason) => new(row.RowNumber, headers[columns[column]], row[columns[column]], reason);
            var benchmarkId = row[columns[0]].Trim();
            var benchmark = framework.FindBenchmark(benchmarkId);
            if (benchmark is null)
            {
                problems.Add(Problem(0, $"not a benchmark of framework {framework.Id}"));
            }
            else if (seen.TryGetValue(benchmark.Id, out var first))
            {
                problems.Add(Problem(0, $"the benchmark is assessed already in row {first}"));
            }
            else
            {
                seen[benchmark.Id] = row.RowNumber;
            }

            BenchmarkStatus? status = row[columns[1]].Trim().ToUpperInvariant().Replace('_', ' ').Replace('-', ' ') switch
            {
                "MET" => BenchmarkStatus.Met,
                "IN PROGRESS" => BenchmarkStatus.InProgress,
                "NOT STARTED" => BenchmarkStatus.NotStarted,
                _ => null,
            };
            if (status is null)
            {
                problems.Add(Problem(1, "not a status (Not started, In progress or Met)"));
            }

            var date = Date(row[columns[2]]);
            if (date is null)
            {
                problems.Add(Problem(2, "not a date (yyyy-mm-dd) in 1990..2100"));
            }
            else if (date > today)
            {
                problems.Add(Problem(2, "the date is after today (UTC)"));
            }

            var assessor = row[columns[3]].Trim();
            if (assessor.Length is 0 or > MaxAssessorLength)
            {
                problems.Add(Problem(3, $"the assessor is required, at most {MaxAssessorLength} characters"));
            }

            var evidence = columns[4] >= 0 ? row[columns[4]].Trim() : string.Empty;
            if (evidence.Length > MaxEvidenceLength)
            {
                problems.Add(Problem(4, $"evidence has at most {MaxEvidenceLength} characters"));
            }

            if (problems.Count == before)
            {
                into.Add(new BenchmarkAssessment(benchmark!.Id, status!.Value, date!.Value, assessor, evidence.Length == 0 ? null : evidence));
            }
        }

        if (columns is null)
        {
            problems.Add(new ImportProblem(1, string.Empty, string.Empty, "the file is empty"));
        }
        else if (rows == 0)
        {
            problems.Add(new ImportProblem(1, string.Empty, string.Empty, "the file holds no assessments"));
        }

        return rows;
    }

    // Benchmark, Status, Date, Assessor (required) and Evidence (optional, -1 when absent).
    private static int[]? Columns(TableRow header, string[] headers, ProblemReport problems)
    {
        string[][] names = [["Benchmark", "Benchmark id"], ["Status"], ["Date", "Assessment date"], ["Assessor"], ["Evidence", "Evidence note"]];
        var columns = new int[names.Length];
        var ok = true;
        for (var c = 0; c < names.Length; c++)
        {
            columns[c] = Array.FindIndex(headers, h => names[c].Any(n => string.Equals(n, h, StringComparison.OrdinalIgnoreCase)));
            if (columns[c] < 0 && c < 4)
            {
                problems.Add(new ImportProblem(header.RowNumber, names[c][0], string.Empty, $"the header has no column {names[c][0]}"));
                ok = false;
            }
        }

        return ok ? columns : null;
    }

    // ISO dates as text, or an Excel serial date (a number of days since 1899-12-30).
    private static DateOnly? Date(string text)
    {
        var trimmed = text.Trim();
        DateOnly date;
        if (DateOnly.TryParseExact(trimmed, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var parsed))
        {
            date = parsed;
        }
        else if (double.TryParse(trimmed, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var serial) && serial is >= 1 and < 2_958_466)
        {
            date = DateOnly.FromDateTime(DateTime.FromOADate(Math.Floor(serial)));
        }
        else
        {
            return null;
        }

        return date.Year is >= 1990 and <= 2100 ? date : null;
    }
}
