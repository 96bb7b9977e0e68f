using System.Collections.Concurrent;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Grpc.Core;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Session;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Assessments;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Dashboard.Import;

/// <summary>What the import form asked for, validated.</summary>
public sealed record ImportJobRequest(string PartnershipId, string? IndicatorId, ObservationLayout Layout, bool Assessments, TableFormat Format);

/// <summary>
/// The import page's background jobs: the same importer as <c>silo import</c> (StriveNetwork.Import) through
/// <see cref="GrpcImportTarget"/> with the person's own token. Bounded: at most <see cref="MaxRunningOverall"/> jobs run
/// at once and <see cref="MaxRunningPerSession"/> per session; a job is forgotten (its problem report deleted)
/// <see cref="Retention"/> after it started. The upload is a temp file readable by this user only, deleted when the
/// job ends.
/// </summary>
public sealed partial class ImportJobs : IDisposable
{
    /// <summary>Jobs running at once on this silo.</summary>
    public const int MaxRunningOverall = 4;

    /// <summary>Jobs running at once for one session.</summary>
    public const int MaxRunningPerSession = 2;

    /// <summary>How long a job (and its problem report) is kept.</summary>
    public static readonly TimeSpan Retention = TimeSpan.FromHours(1);

    private readonly ConcurrentDictionary<string, ImportJob> _jobs = new(StringComparer.Ordinal);
    private readonly Lock _admission = new();
    private readonly ApiChannel _channel;
    private readonly ImportSpool _spool;
    private readonly TimeProvider _time;
    private readonly ILogger<ImportJobs> _logger;
    private readonly CancellationToken _stopping;
    private int _running;

    /// <summary>Creates the registry; jobs stop when the host stops.</summary>
    public ImportJobs(ApiChannel channel, ImportSpool spool, IHostApplicationLifetime lifetime, ILogger<ImportJobs> logger, TimeProvider? time = null)
    {
        ArgumentNullException.ThrowIfNull(lifetime);
        ArgumentNullException.ThrowIfNull(spool);
        _channel = channel;
        _spool = spool;
        _logger = logger;
        _time = time ?? TimeProvider.System;
        _stopping = lifetime.ApplicationStopping;
    }

    /// <summary>The session key of a signed-in person: a hash of their token and sign-in expiry (never the token itself).</summary>
    public static string OwnerOf(SignedInPerson person)
    {
        ArgumentNullException.ThrowIfNull(person);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes(person.Token + "\n" + person.Expires.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture)));
        return Convert.ToHexString(bytes);
    }

    /// <summary>A new owner-only file in the spool for an upload or a report.</summary>
    public FileStream CreatePrivateFile(string extension) => _spool.Create(extension);

    /// <summary>
    /// Starts a job on the spooled upload (the job owns it and deletes it); null when the bounds are reached (the caller
    /// deletes the upload and answers 503).
    /// </summary>
    public ImportJob? Start(SignedInPerson person, ImportJobRequest request, string uploadPath)
    {
        ArgumentNullException.ThrowIfNull(person);
        ArgumentNullException.ThrowIfNull(request);
        Sweep();
        var owner = OwnerOf(person);
        ImportJob job;
        lock (_admission)
        {
            var mine = _jobs.Values.Count(j => j.Owner == owner && !j.State.IsDone);
            if (_running >= MaxRunningOverall || mine >= MaxRunningPerSession)
            {
                LogRefused(_logger, _running, mine);
                return null;
            }

            job = new ImportJob(Convert.ToBase64String(RandomNumberGenerator.GetBytes(16)).TrimEnd('=').Replace('+', '-').Replace('/', '_'), owner, _time.GetUtcNow());
            _jobs[job.Id] = job;
            _running++;
        }

        LogStarted(_logger, job.Id, request.Assessments ? "assessments" : "observations", request.Format.ToString());
        _ = Task.Run(() => RunAsync(job, person.Token, request, uploadPath), CancellationToken.None);
        return job;
    }

    /// <summary>The job when it exists and belongs to the person's session; null otherwise (the caller answers 404 either way).</summary>
    public ImportJob? Find(SignedInPerson person, string jobId)
    {
        ArgumentNullException.ThrowIfNull(person);
        Sweep();
        return _jobs.TryGetValue(jobId ?? string.Empty, out var job) && job.Owner == OwnerOf(person) ? job : null;
    }

    /// <summary>Deletes every job's report (the host is stopping).</summary>
    public void Dispose()
    {
        foreach (var job in _jobs.Values)
        {
            DeleteQuietly(job.ProblemsPath);
        }

        _jobs.Clear();
    }

    private async Task RunAsync(ImportJob job, string token, ImportJobRequest request, string uploadPath)
    {
        string? reportPath = null;
        try
        {
            ImportOutcome outcome;
            var target = new GrpcImportTarget(_channel.Channel.CreateCallInvoker(), token);
            var progress = new JobProgress(job);
            await using (var reportFile = CreatePrivateFile(".csv"))
            {
                reportPath = reportFile.Name;
                job.ProblemsPath = reportPath;
                using var report = new ProblemReport(new StreamWriter(reportFile, new UTF8Encoding(false), 64 * 1024, leaveOpen: true));
                outcome = request.Assessments
                    ? await new AssessmentImporter(target).ImportAsync(new AssessmentImportRequest(uploadPath, request.Format, request.PartnershipId), report, progress, _stopping).ConfigureAwait(false)
                    : await new ObservationImporter(target).ImportAsync(new ObservationImportRequest(uploadPath, request.Format, request.Layout, request.PartnershipId, request.IndicatorId), report, progress, _stopping).ConfigureAwait(false);
                report.Complete();
            }

            var rejected = !outcome.Applied || outcome.Problems > 0;
            job.Finish(
                rejected ? ImportOutcomes.Rejected : outcome.Unchanged ? ImportOutcomes.Unchanged : ImportOutcomes.Applied,
                rejected || outcome.Unchanged ? 0 : outcome.Accepted,
                outcome.Unchanged ? outcome.Items : 0,
                outcome.Problems,
                rejected ? (outcome.Applied ? "The service rejected rows while applying." : "Nothing was applied.") : null);
        }
        catch (TableFormatException exception)
        {
            // The importer's own message names the problem without quoting the file's content.
            job.Finish(ImportOutcomes.Rejected, 0, 0, 0, exception.Message);
        }
        catch (RpcException exception)
        {
            job.Finish(ImportOutcomes.Rejected, 0, 0, 0, ImportRefusals.Message(exception));
        }
        catch (OperationCanceledException)
        {
            job.Finish(ImportOutcomes.Rejected, 0, 0, 0, "The import stopped because the service is shutting down.");
        }
        catch (Exception exception) when (exception is IOException or InvalidDataException or FormatException)
        {
            job.Finish(ImportOutcomes.Rejected, 0, 0, 0, "The file could not be read.");
            LogFailed(_logger, job.Id, exception);
        }
        finally
        {
            // A failure none of the above names still ends the job, so that the session's bound frees up.
            if (!job.State.IsDone)
            {
                job.Finish(ImportOutcomes.Rejected, 0, 0, 0, "The import failed.");
            }

            DeleteQuietly(uploadPath);
            lock (_admission)
            {
                _running--;
            }

            LogFinished(_logger, job.Id, job.State.Outcome ?? "none", job.State.Problems);
        }
    }

    private void Sweep()
    {
        var cutoff = _time.GetUtcNow() - Retention;
        foreach (var job in _jobs.Values.Where(j => j.Created < cutoff && j.State.IsDone))
        {
            if (_jobs.TryRemove(job.Id, out _))
            {
                DeleteQuietly(job.ProblemsPath);
            }
        }
    }

    private static void DeleteQuietly(string? path)
    {
        if (path is null)
        {
            return;
        }

        try
        {
            File.Delete(path);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>The importer reports synchronously; the job keeps the latest numbers for the event stream.</summary>
    private sealed class JobProgress(ImportJob job) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value) => job.Report(value);
    }

    [LoggerMessage(EventId = 7350, Level = LogLevel.Information, Message = "Import job {JobId} started ({Kind}, {Format})")]
    private static partial void LogStarted(ILogger logger, string jobId, string kind, string format);

    [LoggerMessage(EventId = 7351, Level = LogLevel.Information, Message = "Import job {JobId} finished: {Outcome}, {Problems} problem(s)")]
    private static partial void LogFinished(ILogger logger, string jobId, string outcome, long problems);

    [LoggerMessage(EventId = 7352, Level = LogLevel.Warning, Message = "Import refused: {Running} job(s) running, {Mine} for the session")]
    private static partial void LogRefused(ILogger logger, int running, int mine);

    [LoggerMessage(EventId = 7353, Level = LogLevel.Warning, Message = "Import job {JobId} could not read its file")]
    private static partial void LogFailed(ILogger logger, string jobId, Exception exception);
}
