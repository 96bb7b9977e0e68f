using System.Globalization;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Antiforgery;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Options;
using StriveNetwork.Dashboard.Session;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Dashboard.Import;

/// <summary>
/// <c>POST /import/jobs</c> (the form: multipart, antiforgery-validated, at most <see cref="MaxUploadBytes"/>, streamed
/// into the spool by <see cref="ImportUpload"/>) starts a
/// job and redirects to its page <c>/import/{jobId}</c>; <c>GET /import/{jobId}/events</c> streams its progress as
/// server-sent events (<c>progress</c>, then one <c>done</c>); <c>GET /import/{jobId}/problems.csv</c> downloads the
/// problem report. A job is visible only to the session that started it (404 for anyone else, as for no job).
/// </summary>
public static class ImportEndpoints
{
    /// <summary>The largest file accepted: 64 MiB (a 1,000,000-row long CSV is about 40 MB).</summary>
    public const long MaxUploadBytes = 64L * 1024 * 1024;

    /// <summary>How often the event stream looks at the job.</summary>
    private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(250);

    /// <summary>A comment line keeps proxies from closing a quiet stream.</summary>
    private static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>The longest an event stream stays open.</summary>
    private static readonly TimeSpan MaxStream = TimeSpan.FromMinutes(30);

    /// <summary>Maps the endpoints on the dashboard's host.</summary>
    public static void Map(IEndpointRouteBuilder routes, string host)
    {
        // No form binding: ImportUpload streams the body into the spool and checks the antiforgery token itself.
        routes.MapPost("/import/jobs", StartAsync).RequireHost(host)
            .WithMetadata(new RequestSizeLimitAttribute(MaxUploadBytes + (64 * 1024)));
        routes.MapGet("/import/{jobId}/events", EventsAsync).RequireHost(host);
        routes.MapGet("/import/{jobId}/problems.csv", Problems).RequireHost(host);
    }

    private static async Task<IResult> StartAsync(HttpContext context, ImportJobs jobs, IAntiforgery antiforgery, IOptions<AntiforgeryOptions> antiforgeryOptions)
    {
        var person = CurrentPerson.Required(context);
        var options = antiforgeryOptions.Value;
        var (upload, status, refusal) = await ImportUpload.ReadAsync(
            context, jobs, antiforgery, options.FormFieldName, options.HeaderName ?? "RequestVerificationToken", context.RequestAborted).ConfigureAwait(false);
        if (upload is null)
        {
            return Form(refusal!, status);
        }

        var (request, problem) = Validate(person, upload);
        if (request is null)
        {
            DeleteUpload(upload);
            return Form(problem!, StatusCodes.Status400BadRequest);
        }

        var job = jobs.Start(person, request, upload.Path!);
        if (job is null)
        {
            DeleteUpload(upload);
            return Form("Too many imports are running: wait for one to finish and try again.", StatusCodes.Status503ServiceUnavailable);
        }

        return TypedResults.Redirect("/import/" + job.Id);
    }

    private static void DeleteUpload(ImportUpload upload)
    {
        if (upload.Path is not null)
        {
            File.Delete(upload.Path);
        }
    }

    /// <summary>The form's fields checked; the problem names the field and never echoes its value.</summary>
    internal static (ImportJobRequest? Request, string? Problem) Validate(SignedInPerson person, ImportUpload form)
    {
        if (form.Path is null || form.FileLength == 0)
        {
            return (null, "file: choose a .csv or .xlsx file.");
        }

        if (TableFormats.FromPath(form.FileName!) is not { } format)
        {
            return (null, "file: the file must be a .csv or an .xlsx file.");
        }

        var partnership = form.Field("partnership").Trim();
        if (partnership.Length == 0 && person.PartnershipId is not null)
        {
            partnership = person.PartnershipId;
        }

        if (!StriveId.IsValid(partnership))
        {
            return (null, "partnership: enter the partnership's id.");
        }

        if (person.PartnershipId is not null && !string.Equals(partnership, person.PartnershipId, StringComparison.Ordinal))
        {
            return (null, "partnership: a partnership's token imports into its own partnership only.");
        }

        var kind = form.Field("kind");
        if (kind is not ("observations" or "assessments"))
        {
            return (null, "kind: choose observations or assessments.");
        }

        var layoutText = form.Field("layout");
        if (layoutText is not ("" or "long" or "wide"))
        {
            return (null, "layout: choose long or wide.");
        }

        var indicator = form.Field("indicator").Trim();
        if (indicator.Length > 0 && !StriveId.IsValid(indicator))
        {
            return (null, "indicator: enter the indicator's id, or leave it empty when the file has an Indicator column.");
        }

        if (kind == "assessments" && indicator.Length > 0)
        {
            return (null, "indicator: an assessments file takes no indicator.");
        }

        var layout = layoutText == "wide" ? ObservationLayout.Wide : ObservationLayout.Long;
        return (new ImportJobRequest(partnership, indicator.Length == 0 ? null : indicator, layout, kind == "assessments", format), null);
    }

    private static async Task EventsAsync(HttpContext context, string jobId, ImportJobs jobs, TimeProvider? time = null)
    {
        var person = CurrentPerson.Required(context);
        if (jobs.Find(person, jobId) is not { } job)
        {
            context.Response.StatusCode = StatusCodes.Status404NotFound;
            return;
        }

        var clock = time ?? TimeProvider.System;
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-store";
        var aborted = context.RequestAborted;
        var started = clock.GetUtcNow();
        var lastWrite = started;
        ImportJobState? sent = null;
        try
        {
            while (clock.GetUtcNow() - started < MaxStream)
            {
                var state = job.State;
                if (state.IsDone)
                {
                    await WriteAsync(response, "progress", Progress(state), aborted).ConfigureAwait(false);
                    await WriteAsync(response, "done", Done(state), aborted).ConfigureAwait(false);
                    return;
                }

                if (state != sent)
                {
                    await WriteAsync(response, "progress", Progress(state), aborted).ConfigureAwait(false);
                    sent = state;
                    lastWrite = clock.GetUtcNow();
                }
                else if (clock.GetUtcNow() - lastWrite >= Heartbeat)
                {
                    await response.WriteAsync(": heartbeat\n\n", aborted).ConfigureAwait(false);
                    await response.Body.FlushAsync(aborted).ConfigureAwait(false);
                    lastWrite = clock.GetUtcNow();
                }

                await Task.Delay(Tick, clock, aborted).ConfigureAwait(false);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
            // The page went away.
        }
    }

    private static IResult Problems(HttpContext context, string jobId, ImportJobs jobs)
    {
        var person = CurrentPerson.Required(context);
        if (jobs.Find(person, jobId) is not { } job || !job.State.IsDone || job.ProblemsPath is not { } path || !File.Exists(path))
        {
            return TypedResults.NotFound();
        }

        return TypedResults.PhysicalFile(path, "text/csv; charset=utf-8", "import-problems.csv");
    }

    private static string Progress(ImportJobState state) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["rowsChecked"] = state.RowsChecked,
        ["rowsApplied"] = state.RowsApplied,
        ["rowsTotal"] = state.RowsTotal,
        ["phase"] = PhaseName(state.Phase),
    });

    private static string Done(ImportJobState state) => JsonSerializer.Serialize(new Dictionary<string, object?>
    {
        ["outcome"] = state.Outcome,
        ["applied"] = state.Applied,
        ["unchanged"] = state.Unchanged,
        ["problems"] = state.Problems,
        ["message"] = state.Message,
    });

    /// <summary>The phase as the page and the events name it.</summary>
    public static string PhaseName(ImportPhase phase) => phase switch
    {
        ImportPhase.Checking => "checking",
        ImportPhase.Applying => "applying",
        _ => "done",
    };

    private static async Task WriteAsync(HttpResponse response, string name, string json, CancellationToken cancellationToken)
    {
        var text = new StringBuilder().Append("event: ").Append(name).Append('\n').Append("data: ").Append(json).Append("\n\n").ToString();
        await response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    private static RazorComponentResult<ImportFormResult> Form(string problem, int status) =>
        new(new Dictionary<string, object?> { [nameof(ImportFormResult.Problem)] = problem }) { StatusCode = status };

    /// <summary>Text of a count (InvariantCulture).</summary>
    internal static string Number(long value) => value.ToString(CultureInfo.InvariantCulture);
}
