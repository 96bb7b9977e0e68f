using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Hosting;
using StriveNetwork.Gateway;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Gateway.Limits;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.Uploads;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Silo.Demo;
using StriveNetwork.Silo.Hosting;
using StriveNetwork.Silo.Memory;

namespace StriveNetwork.Silo;

/// <summary>Builds and runs the silo: an Orleans silo with the strive.v1 gRPC front door co-hosted on Kestrel.</summary>
public static partial class SiloHost
{
    /// <summary>Runs the silo and the front door until SIGTERM/SIGINT; returns the process exit code.</summary>
    public static Task<int> RunAsync(SiloOptions options, TextWriter output, CancellationToken cancellationToken = default) =>
        RunAsync(options, output, outputIsTerminal: false, cancellationToken);

    /// <summary>
    /// Runs the silo and the front door until SIGTERM/SIGINT; returns the process exit code. A generated bootstrap
    /// secret is shown on <paramref name="output"/> only when <paramref name="outputIsTerminal"/>; otherwise it goes to
    /// a file (see <see cref="BootstrapAdminToken"/>).
    /// </summary>
    public static async Task<int> RunAsync(SiloOptions options, TextWriter output, bool outputIsTerminal, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder.Logging);

        // Before the store lock: bad limits touch nothing.
        var limits = BindLimits(builder.Configuration);
        CheckSections(builder.Configuration);
        await using var storeLock = StoreLock.Acquire(options);
        builder.Services.Configure<GatewayLimits>(builder.Configuration.GetSection(GatewayLimits.SectionName));
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            kestrel.ApplyGatewayLimits(limits);

            // gRPC over h2c only; the dashboard (when on) speaks HTTP/1.1 and HTTP/2 for browsers.
            var address = IPAddress.Parse(options.ListenAddress);
            kestrel.Listen(address, options.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listen.UseClientConnectionLimit(limits);
            });
            if (options.DashboardPort != 0)
            {
                kestrel.Listen(address, options.DashboardPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }

            if (options.WebPort != 0)
            {
                kestrel.Listen(address, options.WebPort, listen => listen.Protocols = HttpProtocols.Http1AndHttp2);
            }

            // Prometheus scrapes over HTTP/1.1; this port serves /metrics and nothing else (SiloTelemetry.MapMetrics).
            if (options.MetricsPort != 0)
            {
                kestrel.Listen(address, options.MetricsPort, listen => listen.Protocols = HttpProtocols.Http1);
            }
        });
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, dashboard: options.DashboardPort != 0));
        builder.Services.AddStriveGateway();
        if (options.WebPort != 0)
        {
            builder.Services.AddStriveDashboard(DashboardKeys(options), ImportSpoolDirectory(options));
        }
        SiloTelemetry.Configure(builder.Services, options);

        await using var app = builder.Build();
        OperatorDashboard.Map(app, options.DashboardPort);
        app.MapStriveDashboard(options.WebPort);
        SiloTelemetry.MapMetrics(app, options.MetricsPort);
        app.MapStriveGateway();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StriveNetwork.Silo");

        await BootstrapAdminToken.IssueAsync(
            app.Services.GetRequiredService<TokenIssuer>(), options, app.Services.GetRequiredService<TimeProvider>(), output, outputIsTerminal, cancellationToken).ConfigureAwait(false);

        if (options.Demo)
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var summary = await new DemoNetwork(app.Services.GetRequiredService<TimeProvider>())
                .LoadAsync(grains, new DemoOptions(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(summary.AlreadyLoaded
                ? "demo network already loaded; nothing written"
                : $"demo network loaded: {summary.PartnershipCount} partnerships, {summary.IndicatorCount} indicators, {summary.ObservationCount} observations, {summary.CohortCount} cohorts ({string.Join(", ", summary.CohortIds)})"
                    + (summary.RollupSettled ? string.Empty : "; the network rollup is still catching up")).ConfigureAwait(false);
            if (options.WebPort != 0)
            {
                app.Services.GetRequiredService<KnownCohorts>().Set(summary.CohortIds);
            }

            if (!summary.AlreadyLoaded)
            {
                HeapTrim.AfterBulkLoad(logger);
            }
        }

        // Health turns SERVING only now: the silo is active, the admin token exists, the demo (if asked) is loaded.
        app.Services.GetRequiredService<GatewayHealth>().SetServing(true);
        var port = BoundPort(app, options);
        if (options.WebPort != 0)
        {
            // The dashboard is a client of this silo's own gRPC API, over loopback (ADR 0018).
            app.Services.GetRequiredService<ApiChannel>().Connect(DashboardHosting.LoopbackAddress(options.ListenAddress, port));
        }

        // The listening line comes last: scripts wait for it, and every line before it is then on stdout.
        if (options.DashboardPort != 0)
        {
            await output.WriteLineAsync($"Orleans Dashboard on http://{options.ListenAddress}:{options.DashboardPort}/ (admin token as password)").ConfigureAwait(false);
        }

        if (options.WebPort != 0)
        {
            await output.WriteLineAsync($"dashboard on http://{options.ListenAddress}:{options.WebPort}/").ConfigureAwait(false);
        }

        if (options.MetricsPort != 0)
        {
            await output.WriteLineAsync($"Prometheus metrics on http://{options.ListenAddress}:{options.MetricsPort}{SiloTelemetry.MetricsPath} (no authentication)").ConfigureAwait(false);
        }

        if (options.ExportsOtlp)
        {
            LogOtlpExport(logger, options.OtlpProtocol ?? "grpc");
        }

        await output.WriteLineAsync($"gRPC listening on {options.ListenAddress}:{port}").ConfigureAwait(false);

        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, options.ListenAddress, port, options.Profile);

        await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        LogStopped(logger);
        return 0;
    }

    /// <summary>Starts a silo without the front door for an admin command, runs <paramref name="work"/>, stops it.</summary>
    public static async Task<int> RunCommandAsync(SiloOptions options, Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(work);
        if (options.Profile != ClusterProfile.Embedded)
        {
            // A command process would join the cluster as a silo (it needs the silo port, peers must reach it, and it
            // could be given grains); a running cluster is managed through AdminService instead.
            throw new StoreInUseException(
                $"token commands work on the embedded (sqlite) store only; the {options.Storage} store is shared by a cluster: manage its tokens through AdminService with an admin token");
        }

        await using var storeLock = StoreLock.Acquire(options);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo => OrleansSetup.Configure(silo, options, dashboard: false));
        using var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(host.Services, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            await host.StopAsync(CancellationToken.None).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// The limits of the front door from configuration section <c>Strive:Limits</c> (appsettings.json next to the
    /// executable, or environment variables such as <c>Strive__Limits__StreamIdleTimeout=00:00:30</c>); throws
    /// <see cref="InvalidLimitsException"/> naming every key that cannot be read or is out of range.
    /// </summary>
    internal static GatewayLimits BindLimits(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        GatewayLimits limits;
        try
        {
            limits = configuration.GetSection(GatewayLimits.SectionName).Get<GatewayLimits>(o => o.ErrorOnUnknownConfiguration = true) ?? new GatewayLimits();
        }
        catch (InvalidOperationException exception)
        {
            // The binder's message names the key and the type, e.g. "Failed to convert configuration value at
            // 'Strive:Limits:StreamIdleTimeout' to type 'System.TimeSpan'."
            throw new InvalidLimitsException([exception.Message]);
        }

        var problems = limits.Validate();
        return problems.Count == 0 ? limits : throw new InvalidLimitsException(problems);
    }

    /// <summary>
    /// Checks the sections the silo's services read when they start (<c>Strive:Requests</c>, the grains' request log;
    /// <c>Strive:Uploads</c>, the upload batches; <c>Strive:ResponseCache</c>, the front door's cache; <c>Strive:GrainDirectory</c>, Orleans' directory cache; <c>Strive:Outbox</c>, the outbox's resume reminder), so that a bad value stops the silo before it touches the store, as a
    /// bad <c>Strive:Limits</c> value does; throws <see cref="InvalidLimitsException"/> naming every key.
    /// </summary>
    internal static void CheckSections(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var problems = new List<string>();
        try
        {
            problems.AddRange((configuration.GetSection(RequestLogOptions.SectionName).Get<RequestLogOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new()).Validate());
            problems.AddRange((configuration.GetSection(UploadOptions.SectionName).Get<UploadOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new()).Validate());
            problems.AddRange((configuration.GetSection(ResponseCacheOptions.SectionName).Get<ResponseCacheOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new()).Validate());
            problems.AddRange((configuration.GetSection(GrainDirectoryCacheOptions.SectionName).Get<GrainDirectoryCacheOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new()).Validate());
            problems.AddRange((configuration.GetSection(OutboxOptions.SectionName).Get<OutboxOptions>(o => o.ErrorOnUnknownConfiguration = true) ?? new()).Validate());
        }
        catch (InvalidOperationException exception)
        {
            problems.Add(exception.Message);
        }

        if (problems.Count > 0)
        {
            throw new InvalidLimitsException(problems);
        }
    }

    /// <summary>ASP.NET Core hosting's per-request logging category, off in the silo (see <see cref="ConfigureLogging"/>).</summary>
    internal const string HostingDiagnosticsCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        // stdout carries the lines scripts wait for; logs go to stderr.
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Warning);
        logging.AddFilter("Orleans", LogLevel.Warning);
        logging.AddFilter("Polly", LogLevel.Warning);

        // The dashboard's key ring sits unencrypted in its 0700 folder under the data directory, beside the SQLite
        // store it protects no better than; the key manager's warning about that on every start is noise.
        logging.AddFilter("Microsoft.AspNetCore.DataProtection.KeyManagement.XmlKeyManager", LogLevel.Error);

        // Grpc.AspNetCore logs status details at Information, and those may quote request fields.
        logging.AddFilter("Grpc", LogLevel.Warning);

        // ASP.NET Core's hosting starts an Activity and a logging scope for every request while this category is
        // enabled at any level (it asks for Critical), though all it logs per request is the start and finish lines
        // at Information, filtered out above. Off, a request costs neither: they were a quarter of what a cached read
        // allocated (docs/adr/0025). Traces still get their activities: OpenTelemetry listens to the hosting's
        // ActivitySource, which starts them whatever the logging.
        logging.AddFilter(HostingDiagnosticsCategory, LogLevel.None);
    }

    /// <summary>
    /// Where the dashboard keeps its Data Protection key ring: <c>&lt;data-dir&gt;/dashboard-keys</c> (0700) with the
    /// embedded profile, so sessions survive a restart; null with PostgreSQL or Azure, whose silos share no directory
    /// (the process default then applies: a restart or another silo means signing in again; docs/dashboard.md).
    /// </summary>
    internal static string? DashboardKeys(SiloOptions options)
    {
        if (options.Profile != ClusterProfile.Embedded)
        {
            return null;
        }

        var directory = Path.Combine(Path.GetFullPath(options.DataDir), "dashboard-keys");
        OwnerOnlyFiles.CreateDirectory(directory);
        return directory;
    }

    /// <summary>
    /// Where the import page spools uploads and problem reports: <c>&lt;data-dir&gt;/import-spool</c> with the embedded
    /// profile (the store lock makes this silo its only user, so a killed silo's leftovers go at the next start); null
    /// otherwise (a folder of the process under the temp path).
    /// </summary>
    internal static string? ImportSpoolDirectory(SiloOptions options) =>
        options.Profile == ClusterProfile.Embedded ? Path.Combine(Path.GetFullPath(options.DataDir), "import-spool") : null;

    // The gRPC port (possibly picked by the system): the bound address that is neither the dashboard's nor the metrics'.
    private static int BoundPort(WebApplication app, SiloOptions options)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri)
                && (options.DashboardPort == 0 || uri.Port != options.DashboardPort)
                && (options.WebPort == 0 || uri.Port != options.WebPort)
                && (options.MetricsPort == 0 || uri.Port != options.MetricsPort))
            {
                return uri.Port;
            }
        }

        throw new InvalidOperationException("Kestrel reported no bound address.");
    }

    [LoggerMessage(EventId = 6100, EventName = "SiloStarted", Level = LogLevel.Information, Message = "Silo started: gRPC on {Address}:{Port}, profile {Profile}")]
    private static partial void LogStarted(ILogger logger, string address, int port, ClusterProfile profile);

    [LoggerMessage(EventId = 6101, EventName = "SiloStopped", Level = LogLevel.Information, Message = "Silo stopped; grains deactivated and state written")]
    private static partial void LogStopped(ILogger logger);

    // The endpoint is not logged: it may carry credentials in its user info.
    [LoggerMessage(EventId = 6102, EventName = "OtlpExportOn", Level = LogLevel.Information, Message = "Exporting traces and metrics by OTLP ({Protocol}) to OTEL_EXPORTER_OTLP_ENDPOINT")]
    private static partial void LogOtlpExport(ILogger logger, string protocol);
}
