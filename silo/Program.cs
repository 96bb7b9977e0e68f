using System.Collections;
using System.CommandLine;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Silo;

return await new SiloCommandLine().InvokeAsync(args).ConfigureAwait(false);

namespace StriveNetwork.Silo
{
    /// <summary>The command line: the silo itself, and <c>tokens issue|list|revoke</c>.</summary>
    /// <remarks>
    /// Base directory (for appsettings.json), environment and output writers are injectable so tests can run every
    /// command in-process; the parameterless constructor uses the real process's.
    /// </remarks>
    internal sealed class SiloCommandLine
    {
        private readonly Option<int?> _grpcPort = new("--grpc-port") { Description = "gRPC port on 127.0.0.1 (default 5000; 0 = any free port)" };
        private readonly Option<string?> _dataDir = new("--data-dir") { Description = "SQLite data directory (default ./data)" };
        private readonly Option<string?> _storage = new("--storage") { Description = "sqlite (default, one silo), postgres or azure (silos form a cluster through the store)" };
        private readonly Option<string?> _clusterId = new("--cluster-id") { Description = "Orleans cluster id with postgres or azure storage (default strive)" };
        private readonly Option<string?> _listenAddress = new("--listen-address") { Description = "Address of the gRPC front door and dashboard (default 127.0.0.1)" };
        private readonly Option<string?> _advertiseAddress = new("--advertise-address") { Description = "Address other silos reach this one on (default 127.0.0.1; the pod IP on Kubernetes)" };
        private readonly Option<string?> _postgres = new("--postgres") { Description = "PostgreSQL connection string (with --storage postgres)" };
        private readonly Option<bool> _demo = new("--demo") { Description = "Load the demo network (once)" };
        private readonly Option<int?> _minN = new("--min-n") { Description = "Small-cell suppression minimum n (default 10)" };
        private readonly Option<int?> _siloPort = new("--silo-port") { Description = "Orleans silo-to-silo port (default 0 = any free port)" };
        private readonly Option<int?> _dashboardPort = new("--dashboard-port") { Description = "Orleans Dashboard port on 127.0.0.1, admin token required (default 0 = off)" };
        private readonly Option<int?> _webPort = new("--web-port") { Description = "Port of the people's dashboard on the listen address (default 5080; 0 = off)" };
        private readonly Option<int?> _metricsPort = new("--metrics-port") { Description = "Prometheus scrape endpoint /metrics on the listen address, no authentication (default 0 = off)" };
        private readonly Option<string?> _adminTokenFile = new("--admin-token-file") { Description = "File holding the bootstrap admin secret (first start only; or env STRIVE_ADMIN_TOKEN)" };
        private readonly Option<string?> _adminTokenTtl = new("--admin-token-ttl") { Description = "Lifetime of the bootstrap admin token (default 24h; 90m, 7d, ... or never)" };
        private readonly string _baseDirectory;
        private readonly IReadOnlyDictionary<string, string?> _environment;
        private readonly TextWriter _output;
        private readonly TextWriter _error;
        private readonly bool _outputIsTerminal;

        public SiloCommandLine()
            : this(AppContext.BaseDirectory, ProcessEnvironment(), Console.Out, Console.Error, outputIsTerminal: !Console.IsOutputRedirected)
        {
        }

        /// <param name="outputIsTerminal">Whether a person reads <paramref name="output"/>: only then is a generated bootstrap secret shown.</param>
        public SiloCommandLine(string baseDirectory, IReadOnlyDictionary<string, string?> environment, TextWriter output, TextWriter error, bool outputIsTerminal = false)
        {
            _baseDirectory = baseDirectory;
            _environment = environment;
            _output = output;
            _error = error;
            _outputIsTerminal = outputIsTerminal;
            Root = new RootCommand("StriveNetwork silo: Orleans silo + strive.v1 gRPC front door.");
            foreach (var option in new Option[] { _grpcPort, _dataDir, _storage, _clusterId, _listenAddress, _advertiseAddress, _postgres, _demo, _minN, _siloPort, _dashboardPort, _webPort, _metricsPort, _adminTokenFile, _adminTokenTtl })
            {
                option.Recursive = true;
                Root.Add(option);
            }

            Root.SetAction((result, ct) => WithOptions(result, options => SiloHost.RunAsync(options, _output, _outputIsTerminal, ct)));

            var role = new Option<string>("--role") { Description = "admin, viewer or partnership", Required = true };
            var partnership = new Option<string?>("--partnership") { Description = "The partnership id (role partnership)" };
            var label = new Option<string?>("--label") { Description = "Who holds the token (1..200 characters)" };
            var issue = new Command("issue", "Issue a token and print its secret once") { role, partnership, label };
            issue.SetAction((result, ct) => WithOptions(result, options => TokenCommands.IssueAsync(
                options, result.GetValue(role)!, result.GetValue(partnership), result.GetValue(label), _output, _error, ct)));

            var list = new Command("list", "List tokens (never their secrets)");
            list.SetAction((result, ct) => WithOptions(result, options => TokenCommands.ListAsync(options, _output, ct)));

            var tokenId = new Argument<string>("token-id") { Description = "The token id (tok_...)" };
            var reason = new Option<string?>("--reason") { Description = "Why (kept in the audit trail)" };
            var revoke = new Command("revoke", "Revoke a token") { tokenId, reason };
            revoke.SetAction((result, ct) => WithOptions(result, options => TokenCommands.RevokeAsync(
                options, result.GetValue(tokenId)!, result.GetValue(reason), _output, _error, ct)));

            Root.Add(new Command("tokens", "Token administration on this silo's store (run while the silo is stopped)") { issue, list, revoke });
            Root.Add(ImportCommandLine());
            Root.Add(ExportCommandLine());
        }

        public RootCommand Root { get; }

        // `silo import`: a client of a running silo (docs/import-export.md); the token comes from STRIVE_TOKEN only.
        private Command ImportCommandLine()
        {
            var file = new Argument<string>("file") { Description = "The .csv or .xlsx file" };
            var partnership = new Option<string>("--partnership") { Description = "The partnership id", Required = true };
            var indicator = new Option<string?>("--indicator") { Description = "The indicator of every row (else the file's Indicator column)" };
            var layout = new Option<string?>("--layout") { Description = "long (default: one row per year x gender x population) or wide (CIA: N <year> / D <year> columns)" };
            var assessments = new Option<bool>("--assessments") { Description = "The file holds benchmark assessments (Benchmark, Status, Date, Assessor, Evidence)" };
            var address = new Option<string?>("--address") { Description = "gRPC address of the running silo (default STRIVE_ADDRESS or http://127.0.0.1:5000)" };
            var errors = new Option<string?>("--errors") { Description = "Where the problem report goes (default FILE.errors.csv)" };
            var command = new Command("import", "Check a spreadsheet and, when every row is valid, apply it through a running silo's API (token in STRIVE_TOKEN)")
            {
                file, partnership, indicator, layout, assessments, address, errors,
            };
            command.SetAction((result, ct) => Import.ImportCommand.RunAsync(
                new Import.ImportArguments(result.GetValue(file)!, result.GetValue(partnership)!, result.GetValue(indicator), result.GetValue(layout), result.GetValue(assessments), result.GetValue(address), result.GetValue(errors)),
                _environment, _output, _error, _outputIsTerminal, ct));
            return command;
        }

        // `silo export report-card|network-rollup`: a client of a running silo (docs/import-export.md); token from STRIVE_TOKEN only.
        private Command ExportCommandLine()
        {
            var format = new Option<string?>("--format") { Description = "csv, xlsx or json (default: from the --out file's extension)" };
            var output = new Option<string>("--out") { Description = "The file to write", Required = true };
            var address = new Option<string?>("--address") { Description = "gRPC address of the running silo (default STRIVE_ADDRESS or http://127.0.0.1:5000)" };
            var partnership = new Option<string>("--partnership") { Description = "The partnership id", Required = true };
            var year = new Option<int?>("--year") { Description = "The report year (default: the latest year with data)" };
            var reportCard = new Command(Export.ReportCardExport.Kind, "A partnership's report card, after suppression") { partnership, year, format, output, address };
            reportCard.SetAction((result, ct) => Export.ExportCommand.RunAsync(
                new Export.ExportArguments(Export.ReportCardExport.Kind, result.GetValue(partnership), result.GetValue(year), result.GetValue(format), result.GetValue(output)!, result.GetValue(address)),
                _environment, _output, _error, ct));
            var rollup = new Command(Export.NetworkRollupExport.Kind, "The network rollup (counts of partnerships and gaps)") { format, output, address };
            rollup.SetAction((result, ct) => Export.ExportCommand.RunAsync(
                new Export.ExportArguments(Export.NetworkRollupExport.Kind, null, null, result.GetValue(format), result.GetValue(output)!, result.GetValue(address)),
                _environment, _output, _error, ct));
            return new Command("export", "Write a report card or the network rollup as CSV, .xlsx or JSON, read from a running silo's API (token in STRIVE_TOKEN)")
            {
                reportCard, rollup,
            };
        }

        /// <summary>Parses and runs <paramref name="args"/>; returns the process exit code.</summary>
        public Task<int> InvokeAsync(string[] args) =>
            Root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null, Output = _output, Error = _error });

        /// <summary>
        /// The effective settings for <paramref name="args"/>: defaults, then appsettings.json, then environment, then
        /// flags; with every problem found (empty when the settings are usable).
        /// </summary>
        public (SiloOptions Options, IReadOnlyList<string> Problems) Resolve(string[] args) => Resolve(Root.Parse(args));

        private (SiloOptions Options, IReadOnlyList<string> Problems) Resolve(ParseResult result)
        {
            var options = SiloOptions.Load(_baseDirectory, _environment, out var loadProblems);
            if (result.GetValue(_grpcPort) is { } port)
            {
                options.GrpcPort = port;
            }

            if (result.GetValue(_dataDir) is { } dataDir)
            {
                options.DataDir = dataDir;
            }

            if (result.GetValue(_storage) is { } storage)
            {
                options.Storage = storage;
            }

            if (result.GetValue(_clusterId) is { } clusterId)
            {
                options.ClusterId = clusterId;
            }

            if (result.GetValue(_listenAddress) is { } listenAddress)
            {
                options.ListenAddress = listenAddress;
            }

            if (result.GetValue(_advertiseAddress) is { } advertiseAddress)
            {
                options.AdvertiseAddress = advertiseAddress;
            }

            var flagProblems = new List<string>();
            if (result.GetValue(_postgres) is { } postgres)
            {
                options.Postgres = postgres;
                if (HasPassword(postgres))
                {
                    flagProblems.Add("--postgres must not contain a password: every user can read a command line (ps); put the password in STRIVE_POSTGRES_PASSWORD or in a file named by STRIVE_POSTGRES_PASSWORD_FILE");
                }
            }

            if (result.GetValue(_adminTokenFile) is { } adminTokenFile)
            {
                options.AdminTokenFile = adminTokenFile;
            }

            if (result.GetValue(_adminTokenTtl) is { } adminTokenTtl)
            {
                options.AdminTokenTtl = adminTokenTtl;
            }

            if (result.GetValue(_demo))
            {
                options.Demo = true;
            }

            if (result.GetValue(_minN) is { } minN)
            {
                options.MinN = minN;
            }

            if (result.GetValue(_siloPort) is { } siloPort)
            {
                options.SiloPort = siloPort;
            }

            if (result.GetValue(_dashboardPort) is { } dashboardPort)
            {
                options.DashboardPort = dashboardPort;
            }

            if (result.GetValue(_webPort) is { } webPort)
            {
                options.WebPort = webPort;
            }

            if (result.GetValue(_metricsPort) is { } metricsPort)
            {
                options.MetricsPort = metricsPort;
            }

            options.LoadTelemetry(_environment);
            return (options, [.. loadProblems, .. flagProblems, .. options.LoadSecrets(_environment), .. options.Validate()]);
        }

        private async Task<int> WithOptions(ParseResult result, Func<SiloOptions, Task<int>> run)
        {
            var (options, problems) = Resolve(result);
            if (problems.Count > 0)
            {
                foreach (var problem in problems)
                {
                    await _error.WriteLineAsync($"invalid settings: {problem}").ConfigureAwait(false);
                }

                return 2;
            }

            try
            {
                return await run(options).ConfigureAwait(false);
            }
            catch (InvalidLimitsException exception)
            {
                // Strive:Limits is read by the host builder (appsettings.json and Strive__Limits__* variables).
                foreach (var problem in exception.Problems)
                {
                    await _error.WriteLineAsync($"invalid settings: {problem}").ConfigureAwait(false);
                }

                return 2;
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                // A clear one-line reason instead of a stack trace (e.g. storage unreachable). Storage exceptions
                // do not carry the connection string, so no password reaches the output.
                var reason = exception is GrainDomainException or StoreInUseException or StriveNetwork.Providers.GrainStorageUnavailableException ? exception.Message : $"{exception.GetType().Name}: {exception.Message}";
                await _error.WriteLineAsync($"silo failed: {reason}").ConfigureAwait(false);
                return 1;
            }
        }

        // A connection string the parser rejects is reported by validation (naming the key, never the value).
        private static bool HasPassword(string connectionString)
        {
            try
            {
                return !string.IsNullOrEmpty(new Npgsql.NpgsqlConnectionStringBuilder(connectionString).Password);
            }
            catch (ArgumentException)
            {
                return connectionString.Contains("password", StringComparison.OrdinalIgnoreCase);
            }
        }

        private static Dictionary<string, string?> ProcessEnvironment() =>
            Environment.GetEnvironmentVariables().Cast<DictionaryEntry>()
                .ToDictionary(e => (string)e.Key, e => (string?)e.Value, StringComparer.Ordinal);
    }
}
