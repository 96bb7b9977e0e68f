using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using Spectre.Console;
using StriveNetwork.Dashboard.Import;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Import.Applying;
using StriveNetwork.Import.Assessments;
using StriveNetwork.Import.Observations;
using StriveNetwork.Import.Problems;
using StriveNetwork.Import.Tables;

namespace StriveNetwork.Silo.Import;

/// <summary>What <c>silo import</c> was asked to do.</summary>
internal sealed record ImportArguments(string File, string PartnershipId, string? IndicatorId, string? Layout, bool Assessments, string? Address, string? ErrorsPath);

/// <summary>
/// <c>silo import FILE --partnership ID [--indicator ID] [--layout long|wide] [--assessments]</c>: checks every row
/// of a CSV or .xlsx file and, when none has a problem, applies it through the strive.v1 API of a running silo
/// (docs/import-export.md). The token comes from <c>STRIVE_TOKEN</c> only (a command line is readable by every user); the
/// address from <c>--address</c>, else <c>STRIVE_ADDRESS</c>, else http://127.0.0.1:5000. Problems go to a CSV
/// report (default <c>FILE.errors.csv</c>). Exit codes: 0 applied or unchanged, 1 problems or a failed call, 2 usage.
/// </summary>
internal static class ImportCommand
{
    /// <summary>The environment variable holding the bearer token.</summary>
    public const string TokenVariable = "STRIVE_TOKEN";

    /// <summary>The environment variable holding the silo's gRPC address.</summary>
    public const string AddressVariable = "STRIVE_ADDRESS";

    private const string DefaultAddress = "http://127.0.0.1:5000";
    private const int ProblemsShown = 10;

    public static async Task<int> RunAsync(ImportArguments arguments, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, bool outputIsTerminal, CancellationToken cancellationToken)
    {
        if (Usage(arguments, environment) is { } problem)
        {
            await error.WriteLineAsync($"silo import: {problem}").ConfigureAwait(false);
            return 2;
        }

        var format = TableFormats.FromPath(arguments.File)!.Value;
        var layout = string.Equals(arguments.Layout, "wide", StringComparison.OrdinalIgnoreCase) ? ObservationLayout.Wide : ObservationLayout.Long;
        var address = arguments.Address ?? environment.GetValueOrDefault(AddressVariable) ?? DefaultAddress;
        var reportPath = arguments.ErrorsPath ?? arguments.File + ".errors.csv";
        using var channel = GrpcChannel.ForAddress(address);
        var target = new GrpcImportTarget(channel.CreateCallInvoker(), environment[TokenVariable]!);
        ImportOutcome outcome;
        try
        {
            using var report = new ProblemReport(new StreamWriter(reportPath, append: false));
            Task<ImportOutcome> Run(IProgress<ImportProgress> progress) => arguments.Assessments
                ? new AssessmentImporter(target).ImportAsync(new AssessmentImportRequest(arguments.File, format, arguments.PartnershipId), report, progress, cancellationToken)
                : new ObservationImporter(target).ImportAsync(new ObservationImportRequest(arguments.File, format, layout, arguments.PartnershipId, arguments.IndicatorId), report, progress, cancellationToken);

            outcome = outputIsTerminal ? await WithProgressBarAsync(output, Run).ConfigureAwait(false) : await Run(new PlainProgress(output)).ConfigureAwait(false);
        }
        catch (TableFormatException exception)
        {
            await error.WriteLineAsync($"silo import: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
        catch (RpcException exception)
        {
            // The status message is the service's (bounded, never quoting the request); a retry of the same command is
            // safe: the request ids come from the file's content, so what was stored is replayed, not stored twice.
            await error.WriteLineAsync($"silo import: the service answered {exception.StatusCode}: {exception.Status.Detail} (running the same command again is safe)").ConfigureAwait(false);
            return 1;
        }

        if (!outcome.Applied || outcome.Problems > 0)
        {
            await output.WriteLineAsync($"{outcome.Problems} problem(s) in {outcome.Rows} row(s); {(outcome.Applied ? "the service rejected rows while applying" : "nothing was applied")}. Report: {reportPath}").ConfigureAwait(false);
            foreach (var p in outcome.FirstProblems.Take(ProblemsShown))
            {
                await output.WriteLineAsync("  " + p).ConfigureAwait(false);
            }

            return 1;
        }

        File.Delete(reportPath); // an empty report is noise
        var what = arguments.Assessments ? "assessment(s)" : "observation(s)";
        await output.WriteLineAsync(outcome.Unchanged
            ? $"unchanged: {outcome.Rows} row(s), {outcome.Items} {what}; this file was imported before and the service changed nothing"
            : $"imported {outcome.Rows} row(s): {outcome.Accepted} {what} stored ({outcome.Replaced} replaced earlier values)").ConfigureAwait(false);
        return 0;
    }

    private static string? Usage(ImportArguments arguments, IReadOnlyDictionary<string, string?> environment)
    {
        if (TableFormats.FromPath(arguments.File) is null)
        {
            return "the file must be a .csv or an .xlsx file";
        }

        if (!File.Exists(arguments.File))
        {
            return "the file does not exist";
        }

        if (!StriveId.IsValid(arguments.PartnershipId))
        {
            return $"--partnership must be {StriveId.Rule}";
        }

        if (arguments.Assessments && (arguments.IndicatorId is not null || arguments.Layout is not null))
        {
            return "--assessments takes neither --indicator nor --layout";
        }

        if (arguments.IndicatorId is not null && !StriveId.IsValid(arguments.IndicatorId))
        {
            return $"--indicator must be {StriveId.Rule}";
        }

        if (arguments.Layout is not null && !arguments.Layout.Equals("long", StringComparison.OrdinalIgnoreCase) && !arguments.Layout.Equals("wide", StringComparison.OrdinalIgnoreCase))
        {
            return "--layout must be long or wide";
        }

        return string.IsNullOrWhiteSpace(environment.GetValueOrDefault(TokenVariable))
            ? $"set {TokenVariable} to a token that may write the partnership (never pass a token on the command line)"
            : null;
    }

    private static async Task<ImportOutcome> WithProgressBarAsync(TextWriter output, Func<IProgress<ImportProgress>, Task<ImportOutcome>> run)
    {
        var console = AnsiConsole.Create(new AnsiConsoleSettings { Out = new AnsiConsoleOutput(output) });
        ImportOutcome? outcome = null;
        await console.Progress().AutoClear(false).StartAsync(async context =>
        {
            var checking = context.AddTask("checking rows");
            checking.IsIndeterminate = true;
            var applying = context.AddTask("applying", autoStart: false);
            outcome = await run(new BarProgress(checking, applying)).ConfigureAwait(false);
            checking.Value = checking.MaxValue;
            checking.StopTask();
            applying.StopTask();
        }).ConfigureAwait(false);
        return outcome!;
    }

    /// <summary>Moves the Spectre.Console bars; called synchronously by the importer.</summary>
    private sealed class BarProgress(ProgressTask checking, ProgressTask applying) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            if (value.Phase == ImportPhase.Checking)
            {
                checking.Description = $"checking rows ({value.RowsDone.ToString("N0", CultureInfo.InvariantCulture)})";
                if (value.RowsTotal is { } total)
                {
                    checking.IsIndeterminate = false;
                    checking.MaxValue = Math.Max(1, total);
                    checking.Value = total;
                }
            }
            else if (value.Phase == ImportPhase.Applying)
            {
                if (!applying.IsStarted)
                {
                    applying.StartTask();
                }

                applying.MaxValue = Math.Max(1, value.RowsTotal ?? 1);
                applying.Value = value.RowsDone;
            }
        }
    }

    /// <summary>Plain lines when stdout is not a terminal: every 100,000 rows and at each phase's end.</summary>
    private sealed class PlainProgress(TextWriter output) : IProgress<ImportProgress>
    {
        public void Report(ImportProgress value)
        {
            var ends = value.RowsTotal is { } total && value.RowsDone == total;
            if (value.Phase == ImportPhase.Done || (value.RowsDone % 100_000 != 0 && !ends))
            {
                return;
            }

            output.WriteLine(value.Phase == ImportPhase.Checking
                ? $"checked {value.RowsDone} row(s)"
                : $"applied {value.RowsDone} of {value.RowsTotal} observation(s)");
        }
    }
}
