using System.Collections.Concurrent;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Logging;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// OpenTelemetry of the real silo process: the Prometheus endpoint on its own port (and only there), OTLP export to
/// a collector, and nothing listening or exporting when neither is configured.
/// </summary>
public sealed class TelemetryTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(40);
    private static readonly TimeSpan ExportWait = TimeSpan.FromSeconds(60);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Metrics_OnTheirOwnPort_ServeOrleansKestrelHostingAndGrpcMetrics_AndNothingElse()
    {
        var metricsPort = FreePort();
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", _dir.Sub("data"), "--metrics-port", Text(metricsPort));
        var grpcPort = await silo.WaitForReadyAsync();
        Assert.Contains($"Prometheus metrics on http://127.0.0.1:{metricsPort}/metrics (no authentication)", silo.StdoutLines);
        var admin = silo.AdminToken();

        using (var grpc = new StriveClient(grpcPort))
        {
            Assert.Equal(0, (await grpc.RollupAsync(admin)).Rollup.PartnershipCount);
        }

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{metricsPort}/") };

        // ASP.NET Core records a request's duration after the response has gone out, so the scrape right after the call
        // may precede it: scraped again until every family is there (bounded in count).
        string[] families =
        [
            "# TYPE orleans_catalog_activations gauge",
            "# TYPE kestrel_active_connections gauge",
            "# TYPE http_server_request_duration_seconds histogram",
            "# TYPE rpc_server_call_duration_seconds histogram",
        ];
        var text = "";
        for (var attempt = 0; attempt < 50 && !families.All(f => text.Contains(f, StringComparison.Ordinal)); attempt++)
        {
            if (attempt > 0)
            {
                await Task.Delay(200);
            }

            using var response = await http.GetAsync(new Uri("metrics", UriKind.Relative));
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.MediaType, StringComparison.Ordinal);
            text = await response.Content.ReadAsStringAsync();
        }

        Assert.All(families, f => Assert.Contains(f, text, StringComparison.Ordinal));

        // The call itself, by method and status (OK = 0), on the project's meter; the service's identity.
        var call = Assert.Single(text.Split('\n'), l => l.StartsWith("rpc_server_call_duration_seconds_count{", StringComparison.Ordinal)
            && l.Contains("rpc_method=\"GetNetworkRollup\"", StringComparison.Ordinal));
        Assert.Contains("rpc_service=\"strive.v1.NetworkService\"", call, StringComparison.Ordinal);
        Assert.Contains("rpc_grpc_status_code=\"0\"", call, StringComparison.Ordinal);
        Assert.EndsWith(" 1", call.Split(" # ")[0].TrimEnd(), StringComparison.Ordinal);
        Assert.Contains("service_name=\"strive-silo\"", text, StringComparison.Ordinal);
        Assert.DoesNotContain(admin, text, StringComparison.Ordinal);

        // Only /metrics on the metrics port; not even the gRPC services.
        using (var other = await http.GetAsync(new Uri("other", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
        }

        using (var grpcOnMetricsPort = await http.PostAsync(new Uri("strive.v1.NetworkService/GetNetworkRollup", UriKind.Relative), new ByteArrayContent([0, 0, 0, 0, 0])))
        {
            Assert.Equal(HttpStatusCode.NotFound, grpcOnMetricsPort.StatusCode);
        }

        // And no /metrics on the gRPC port (h2c, as gRPC clients speak to it).
        using (var h2c = new HttpClient { DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact })
        using (var onGrpcPort = await h2c.GetAsync(new Uri($"http://127.0.0.1:{grpcPort}/metrics")))
        {
            Assert.NotEqual(HttpStatusCode.OK, onGrpcPort.StatusCode);
            Assert.DoesNotContain("# TYPE", await onGrpcPort.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        // The gRPC front door, Orleans' silo-to-silo port and the metrics port.
        var ports = ListeningPorts(silo.Id);
        Assert.Equal(3, ports.Count);
        Assert.Contains(grpcPort, ports);
        Assert.Contains(metricsPort, ports);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task Telemetry_IsOffByDefault_NoExtraPortListens()
    {
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", _dir.Sub("data"));
        var grpcPort = await silo.WaitForReadyAsync();
        Assert.DoesNotContain(silo.StdoutLines, l => l.Contains("metrics", StringComparison.OrdinalIgnoreCase));
        Assert.DoesNotContain(silo.StderrLines, l => l.Contains("OTLP", StringComparison.Ordinal));

        // The gRPC front door and Orleans' silo-to-silo port: nothing else.
        var ports = ListeningPorts(silo.Id);
        Assert.Equal(2, ports.Count);
        Assert.Contains(grpcPort, ports);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task Otlp_WithTheStandardVariables_ExportsTracesAndMetricsToTheCollector()
    {
        await using var collector = await OtlpCollector.StartAsync();
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = collector.Endpoint,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",

            // Export soon instead of every 60 s (metrics) and 5 s (spans): the SDK's own variables.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "500",
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
        };
        await using var silo = SiloProcess.Start(environment, "--grpc-port", "0", "--data-dir", _dir.Sub("data"));
        var grpcPort = await silo.WaitForReadyAsync();
        await silo.WaitForStderrAsync(l => l.Contains("Exporting traces and metrics by OTLP (http/protobuf)", StringComparison.Ordinal), ExportWait);
        Assert.DoesNotContain(collector.Endpoint, silo.AllOutput, StringComparison.Ordinal);
        var admin = silo.AdminToken();

        using (var grpc = new StriveClient(grpcPort))
        {
            Assert.Equal(0, (await grpc.RollupAsync(admin)).Rollup.PartnershipCount);
        }

        // The call's server span (named after its route) and a span of Orleans (the grain call it made, propagated).
        await collector.WaitForAsync("/v1/traces", "strive.v1.NetworkService/GetNetworkRollup", ExportWait);
        await collector.WaitForAsync("/v1/traces", "Microsoft.Orleans", ExportWait);
        await collector.WaitForAsync("/v1/metrics", "rpc.server.call.duration", ExportWait);
        await collector.WaitForAsync("/v1/metrics", "orleans-catalog-activations", ExportWait);
        Assert.All(collector.Requests, r => Assert.Contains("strive-silo", r.Body, StringComparison.Ordinal));
        Assert.All(collector.Requests, r => Assert.Contains(r.Path, new[] { "/v1/traces", "/v1/metrics" }));

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    public static TheoryData<string[], Dictionary<string, string?>, string> BadTelemetrySettings => new()
    {
        { ["--metrics-port", "70000"], new(), "metrics port must be within 0..65535 (got 70000)" },
        { ["--metrics-port", "6000", "--grpc-port", "6000"], new(), "metrics port 6000 is already the gRPC, silo, dashboard or web port" },
        { ["--metrics-port", "6000", "--dashboard-port", "6000"], new(), "metrics port 6000 is already the gRPC, silo, dashboard or web port" },
        { [], new() { ["STRIVE_METRICS_PORT"] = "nine" }, "STRIVE_METRICS_PORT must be an integer (got 'nine')" },
        { [], new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "collector:4317" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL such as http://otel-collector:4317" },
        { [], new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "ftp://user:pw@collector" }, "OTEL_EXPORTER_OTLP_ENDPOINT must be an absolute http:// or https:// URL such as http://otel-collector:4317" },
        { [], new() { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://c:4318", ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/json" }, "OTEL_EXPORTER_OTLP_PROTOCOL must be 'grpc' or 'http/protobuf' (got 'http/json')" },
    };

    [Theory]
    [MemberData(nameof(BadTelemetrySettings))]
    public async Task BadTelemetrySetting_NamesTheProblemAndExits2(string[] args, Dictionary<string, string?> environment, string message)
    {
        var cli = new InProcessCli(_dir.Path, environment);
        var code = await cli.RunAsync([.. args, "--data-dir", _dir.Sub("data")]);

        Assert.Equal(2, code);
        Assert.Equal($"invalid settings: {message}", cli.Error.ToString().Trim());
        Assert.False(Directory.Exists(_dir.Sub("data")));
        Assert.DoesNotContain("pw@", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void MetricsPort_AppsettingsLoseToEnvironmentWhichLosesToTheFlag_AndOtlpIsReadFromTheStandardVariables()
    {
        File.WriteAllText(Path.Combine(_dir.Path, "appsettings.json"), """{ "Strive": { "MetricsPort": 9001 } }""");
        var environment = new Dictionary<string, string?>
        {
            ["STRIVE_METRICS_PORT"] = "9002",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://collector:4317",
        };

        Assert.Equal(0, new InProcessCli(_dir.Sub("none")).Resolve().Options.MetricsPort);
        Assert.Equal(9001, new InProcessCli(_dir.Path).Resolve().Options.MetricsPort);
        var fromEnvironment = new InProcessCli(_dir.Path, environment).Resolve();
        Assert.Empty(fromEnvironment.Problems);
        Assert.Equal(9002, fromEnvironment.Options.MetricsPort);
        Assert.True(fromEnvironment.Options.ExportsOtlp);
        Assert.Equal(9003, new InProcessCli(_dir.Path, environment).Resolve("--metrics-port", "9003").Options.MetricsPort);
        Assert.False(new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["OTEL_EXPORTER_OTLP_ENDPOINT"] = "" }).Resolve().Options.ExportsOtlp);
    }

    private static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>The TCP ports process <paramref name="pid"/> listens on, from /proc (Linux): its socket inodes in LISTEN state.</summary>
    private static HashSet<int> ListeningPorts(int pid)
    {
        var inodes = new HashSet<string>(StringComparer.Ordinal);
        foreach (var fd in Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd"))
        {
            var target = new FileInfo(fd).LinkTarget;
            if (target is not null && target.StartsWith("socket:[", StringComparison.Ordinal))
            {
                inodes.Add(target["socket:[".Length..^1]);
            }
        }

        var ports = new HashSet<int>();
        foreach (var table in new[] { "/proc/net/tcp", "/proc/net/tcp6" })
        {
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx:rx tr:when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A" && inodes.Contains(fields[9]))
                {
                    ports.Add(int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                }
            }
        }

        return ports;
    }

    /// <summary>
    /// A stand-in OpenTelemetry collector: OTLP/HTTP (protobuf) on 127.0.0.1, recording each POST's path and body
    /// (protobuf strings are plain UTF-8 in it, so names can be found without decoding) and answering an empty
    /// export response.
    /// </summary>
    private sealed class OtlpCollector : IAsyncDisposable
    {
        private const int MaxRequests = 1000;
        private readonly WebApplication _app;
        private readonly ConcurrentQueue<(string Path, string Body)> _requests = new();
        private readonly SemaphoreSlim _arrived = new(0);

        private OtlpCollector(WebApplication app) => _app = app;

        public string Endpoint { get; private set; } = "";

        public IReadOnlyList<(string Path, string Body)> Requests => [.. _requests];

        public static async Task<OtlpCollector> StartAsync()
        {
            var builder = WebApplication.CreateSlimBuilder();
            builder.Logging.ClearProviders();
            builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, l => l.Protocols = HttpProtocols.Http1));
            var app = builder.Build();
            var collector = new OtlpCollector(app);
            app.Run(async context =>
            {
                using var body = new MemoryStream();
                await context.Request.Body.CopyToAsync(body, context.RequestAborted);
                if (collector._requests.Count < MaxRequests)
                {
                    collector._requests.Enqueue((context.Request.Path.Value ?? "", Encoding.UTF8.GetString(body.ToArray())));
                    collector._arrived.Release();
                }

                context.Response.ContentType = "application/x-protobuf";
                context.Response.StatusCode = StatusCodes.Status200OK;
            });
            await app.StartAsync();
            collector.Endpoint = app.Urls.Single();
            return collector;
        }

        /// <summary>Waits until a request to <paramref name="path"/> whose body contains <paramref name="text"/> arrived.</summary>
        public async Task WaitForAsync(string path, string text, TimeSpan timeout)
        {
            using var deadline = new CancellationTokenSource(timeout);
            while (!_requests.Any(r => r.Path == path && r.Body.Contains(text, StringComparison.Ordinal)))
            {
                try
                {
                    await _arrived.WaitAsync(deadline.Token);
                }
                catch (OperationCanceledException)
                {
                    Assert.Fail($"no {path} export containing '{text}' within {timeout.TotalSeconds} s; received: {string.Join(", ", _requests.Select(r => r.Path))}");
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
            _arrived.Dispose();
        }
    }
}
