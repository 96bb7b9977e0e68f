using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Export;
using StriveNetwork.Silo.Import;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Export;

/// <summary>What <c>silo export</c> was asked to do.</summary>
/// <param name="Kind"><see cref="ReportCardExport.Kind"/> or <see cref="NetworkRollupExport.Kind"/>.</param>
internal sealed record ExportArguments(string Kind, string? PartnershipId, int? Year, string? Format, string Out, string? Address);

/// <summary>
/// <c>silo export report-card --partnership ID [--year Y] --format csv|xlsx|json --out FILE</c> and
/// <c>silo export network-rollup --format ... --out FILE</c>: reads the report card or the network rollup from the
/// strive.v1 API of a running silo, with the caller's token (so the API's access rules and suppression apply
/// unchanged), and writes it as CSV, .xlsx or JSON (docs/import-export.md). The export computes nothing: it writes
/// what the API returned. The token comes from <c>STRIVE_TOKEN</c> only; the address as for <c>silo import</c>. The
/// file is written next to its destination and moved into place once complete, so a failed export leaves no partial
/// file. Exit codes: 0 written, 1 the service refused or the file cannot be written, 2 usage.
/// </summary>
internal static class ExportCommand
{
    private const string DefaultAddress = "http://127.0.0.1:5000";
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(60);

    public static async Task<int> RunAsync(ExportArguments arguments, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var format = ExportFormats.Parse(arguments.Format ?? Path.GetExtension(arguments.Out).TrimStart('.'));
        if (Usage(arguments, format, environment) is { } problem)
        {
            await error.WriteLineAsync($"silo export: {problem}").ConfigureAwait(false);
            return 2;
        }

        var address = arguments.Address ?? environment.GetValueOrDefault(ImportCommand.AddressVariable) ?? DefaultAddress;
        using var channel = GrpcChannel.ForAddress(address);
        var invoker = channel.CreateCallInvoker();
        var token = environment[ImportCommand.TokenVariable]!;
        ExportTable table;
        try
        {
            table = arguments.Kind == ReportCardExport.Kind
                ? ReportCardExport.From(await CallAsync<V1.GetReportCardRequest, V1.GetReportCardResponse>(
                    invoker, token, "PartnershipService", "GetReportCard",
                    new V1.GetReportCardRequest { PartnershipId = arguments.PartnershipId, Year = arguments.Year ?? 0 }, cancellationToken).ConfigureAwait(false))
                : NetworkRollupExport.From(await CallAsync<V1.GetNetworkRollupRequest, V1.GetNetworkRollupResponse>(
                    invoker, token, "NetworkService", "GetNetworkRollup", new V1.GetNetworkRollupRequest(), cancellationToken).ConfigureAwait(false));
        }
        catch (RpcException exception)
        {
            // The status message is the service's (bounded, never quoting the request or the token).
            await error.WriteLineAsync($"silo export: the service answered {exception.StatusCode}: {exception.Status.Detail}").ConfigureAwait(false);
            return 1;
        }

        var destination = Path.GetFullPath(arguments.Out);
        var partial = destination + ".partial";
        long rows = 0;
        try
        {
            var counted = table with { Rows = Counted(table.Rows, () => rows++) };
            await using (var stream = new FileStream(partial, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 64 * 1024, useAsync: true))
            {
                await ExportTables.WriteAsync(counted, format!.Value, stream, cancellationToken).ConfigureAwait(false);
            }

            File.Move(partial, destination, overwrite: true);
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"silo export: cannot write {arguments.Out}: {exception.Message}").ConfigureAwait(false);
            return 1;
        }
        finally
        {
            // Whatever stopped the export (a full disk, Ctrl-C), no partial file is left behind.
            if (File.Exists(partial))
            {
                File.Delete(partial);
            }
        }

        await output.WriteLineAsync($"exported the {table.Kind.Replace('-', ' ')}: {rows.ToString(CultureInfo.InvariantCulture)} row(s) to {arguments.Out}").ConfigureAwait(false);
        return 0;
    }

    private static string? Usage(ExportArguments arguments, ExportFormat? format, IReadOnlyDictionary<string, string?> environment)
    {
        if (arguments.Kind == ReportCardExport.Kind)
        {
            if (arguments.PartnershipId is null || !StriveId.IsValid(arguments.PartnershipId))
            {
                return $"--partnership must be {StriveId.Rule}";
            }

            if (arguments.Year is { } year && (year < IndicatorDefinition.MinimumYear || year > IndicatorDefinition.MaximumYear))
            {
                return $"--year must be within {IndicatorDefinition.MinimumYear}..{IndicatorDefinition.MaximumYear}";
            }
        }
        else if (arguments.PartnershipId is not null || arguments.Year is not null)
        {
            return "network-rollup takes neither --partnership nor --year";
        }

        if (format is null)
        {
            return "--format must be csv, xlsx or json (or give --out a .csv, .xlsx or .json name)";
        }

        if (Path.GetDirectoryName(Path.GetFullPath(arguments.Out)) is not { } folder || !Directory.Exists(folder))
        {
            return "the folder of --out does not exist";
        }

        return string.IsNullOrWhiteSpace(environment.GetValueOrDefault(ImportCommand.TokenVariable))
            ? $"set {ImportCommand.TokenVariable} to a token that may read what is exported (never pass a token on the command line)"
            : null;
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Counted(IEnumerable<IReadOnlyList<ExportCell>> rows, Action count)
    {
        foreach (var row in rows)
        {
            count();
            yield return row;
        }
    }

    private static async Task<TResponse> CallAsync<TRequest, TResponse>(CallInvoker invoker, string token, string service, string method, TRequest request, CancellationToken cancellationToken)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new()
    {
        var descriptor = new Method<TRequest, TResponse>(MethodType.Unary, "strive.v1." + service, method,
            Marshallers.Create<TRequest>(m => m.ToByteArray(), _ => throw new NotSupportedException("a client never reads requests")),
            Marshallers.Create(m => m.ToByteArray(), new MessageParser<TResponse>(() => new TResponse()).ParseFrom));
        var options = new CallOptions(new Metadata { { "authorization", "Bearer " + token } }, DateTime.UtcNow + Deadline, cancellationToken);
        using var call = invoker.AsyncUnaryCall(descriptor, null, options, request);
        return await call.ResponseAsync.ConfigureAwait(false);
    }
}
