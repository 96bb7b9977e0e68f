using StriveNetwork.Import.Applying;

namespace StriveNetwork.Dashboard.Import;

/// <summary>How an import job ended, as the page shows it (<c>data-testid="import-outcome"</c>).</summary>
public static class ImportOutcomes
{
    /// <summary>Every row was valid and the service stored them.</summary>
    public const string Applied = "applied";

    /// <summary>The same file was imported before: the service changed nothing.</summary>
    public const string Unchanged = "unchanged";

    /// <summary>A row had a problem (nothing was applied), the file could not be read, or the service refused it.</summary>
    public const string Rejected = "rejected";
}

/// <summary>
/// One import started from the import page: who may see it (<see cref="Owner"/>, a hash of the signing-in), its
/// progress (written by the importer's thread, read by the event stream) and, when done, its outcome and the
/// owner-only temp file holding the problem report.
/// </summary>
public sealed class ImportJob(string id, string owner, DateTimeOffset created)
{
    private readonly Lock _lock = new();
    private ImportJobState _state = new(ImportPhase.Checking, 0, 0, null, null, 0, 0, 0, null);

    /// <summary>Unguessable id (128 random bits, base64url).</summary>
    public string Id { get; } = id;

    /// <summary>The session that started it (<see cref="ImportJobs.OwnerOf"/>).</summary>
    public string Owner { get; } = owner;

    /// <summary>When it started; the job is forgotten an hour later.</summary>
    public DateTimeOffset Created { get; } = created;

    /// <summary>The problem report CSV (owner-only temp file), kept until the job is forgotten.</summary>
    public string? ProblemsPath { get; set; }

    /// <summary>A consistent copy of the progress and outcome.</summary>
    public ImportJobState State
    {
        get
        {
            lock (_lock)
            {
                return _state;
            }
        }
    }

    /// <summary>Records the importer's progress (called synchronously by the importer).</summary>
    public void Report(ImportProgress progress)
    {
        lock (_lock)
        {
            _state = progress.Phase switch
            {
                ImportPhase.Checking => _state with { Phase = ImportPhase.Checking, RowsChecked = progress.RowsDone },
                ImportPhase.Applying => _state with { Phase = ImportPhase.Applying, RowsApplied = progress.RowsDone, RowsTotal = progress.RowsTotal },
                _ => _state,
            };
        }
    }

    /// <summary>Records the end of the job.</summary>
    public void Finish(string outcome, long applied, long unchanged, long problems, string? message)
    {
        lock (_lock)
        {
            _state = _state with { Phase = ImportPhase.Done, Outcome = outcome, Applied = applied, Unchanged = unchanged, Problems = problems, Message = message };
        }
    }
}

/// <summary>An import job's progress and outcome at one moment (<see cref="Outcome"/> is null while it runs).</summary>
public sealed record ImportJobState(
    ImportPhase Phase,
    long RowsChecked,
    long RowsApplied,
    long? RowsTotal,
    string? Outcome,
    long Applied,
    long Unchanged,
    long Problems,
    string? Message)
{
    /// <summary>Whether the job has ended.</summary>
    public bool IsDone => Outcome is not null;
}
