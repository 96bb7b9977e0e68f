using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StriveNetwork.Actors;
using StriveNetwork.Actors.Postgres;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Gateway;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grpc.Server;
using StriveNetwork.Silo.Demo;

namespace StriveNetwork.Silo;

/// <summary>Builds and runs the silo: actor runtime, storage, grains and (optionally) the gRPC gateway.</summary>
public static partial class SiloHost
{
    /// <summary>Registers runtime, storage and grains for <paramref name="options"/>.</summary>
    public static void AddSilo(IServiceCollection services, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        // SQLite has one writer, so concurrent stream delivery only adds contention there (bench/StriveNetwork.Bench,
        // StreamDeliveryBenchmarks: parallelism 16 is 1.2x slower on SQLite, 2x faster on PostgreSQL).
        var runtime = services.AddActorRuntime(o => o.StreamDeliveryParallelism = options.UsesPostgres ? 16 : 1)
            .AddGrainAssembly(typeof(PartnershipGrain).Assembly)
            .AddGrainAssembly(typeof(IPartnershipGrain).Assembly);
        if (options.UsesPostgres)
        {
            services.AddPostgresGrainStorage(o => o.ConnectionString = options.Postgres);
            runtime.AddGrainStorage("Default", sp => sp.GetRequiredService<PostgresGrainStorage>());
        }
        else
        {
            var dataDir = Path.GetFullPath(options.DataDir);
            Directory.CreateDirectory(dataDir);
            services.AddSqliteGrainStorage(o => o.FilePath = Path.Combine(dataDir, "strive.db"));
            runtime.AddGrainStorage("Default", sp => sp.GetRequiredService<SqliteGrainStorage>());
        }

        services.AddStriveGrains(s => s.MinimumN = options.MinN);
        services.AddSingleton<TokenIssuer>();
    }

    /// <summary>Runs the silo and gateway until SIGTERM/SIGINT; returns the process exit code.</summary>
    public static async Task<int> RunAsync(SiloOptions options, TextWriter output, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(output);
        await using var storeLock = await StoreLock.AcquireAsync(options, cancellationToken).ConfigureAwait(false);
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ContentRootPath = AppContext.BaseDirectory });
        ConfigureLogging(builder.Logging);
        builder.WebHost.ConfigureKestrel(k => k.ListenGrpc(IPAddress.Loopback, options.GrpcPort));
        builder.Services.Configure<HostOptions>(h => h.ShutdownTimeout = TimeSpan.FromSeconds(30));
        AddSilo(builder.Services, options);
        builder.Services.AddStriveGateway();

        await using var app = builder.Build();
        app.MapGrpcServices();
        await app.StartAsync(cancellationToken).ConfigureAwait(false);
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("StriveNetwork.Silo");

        var bootstrap = await app.Services.GetRequiredService<TokenIssuer>().BootstrapAsync(cancellationToken).ConfigureAwait(false);
        if (bootstrap is not null)
        {
            // The only time this secret exists outside the caller's hands: printed once, never logged.
            await output.WriteLineAsync($"admin token: {bootstrap.Secret}").ConfigureAwait(false);
        }

        if (options.Demo)
        {
            var grains = app.Services.GetRequiredService<IGrainFactory>();
            var summary = await new DemoNetwork(app.Services.GetRequiredService<TimeProvider>())
                .LoadAsync(grains, new DemoOptions(), cancellationToken).ConfigureAwait(false);
            await output.WriteLineAsync(summary.AlreadyLoaded
                ? "demo network already loaded; nothing written"
                : $"demo network loaded: {summary.PartnershipCount} partnerships, {summary.IndicatorCount} indicators, {summary.ObservationCount} observations, {summary.CohortCount} cohorts ({string.Join(", ", summary.CohortIds)})"
                    + (summary.RollupSettled ? string.Empty : "; the network rollup is still catching up")).ConfigureAwait(false);
        }

        var port = BoundPort(app);
        await output.WriteLineAsync($"gRPC listening on 127.0.0.1:{port}").ConfigureAwait(false);
        await output.FlushAsync(cancellationToken).ConfigureAwait(false);
        LogStarted(logger, port, options.UsesPostgres ? "postgres" : "sqlite");

        await app.WaitForShutdownAsync(CancellationToken.None).ConfigureAwait(false);
        LogStopped(logger);
        return 0;
    }

    /// <summary>Starts a silo without the gateway for an admin command, runs <paramref name="work"/>, stops it.</summary>
    public static async Task<int> RunCommandAsync(SiloOptions options, Func<IServiceProvider, CancellationToken, Task<int>> work, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(work);
        await using var storeLock = await StoreLock.AcquireAsync(options, cancellationToken).ConfigureAwait(false);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { ContentRootPath = AppContext.BaseDirectory, DisableDefaults = true });
        ConfigureLogging(builder.Logging);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        AddSilo(builder.Services, options);
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

    private static void ConfigureLogging(ILoggingBuilder logging)
    {
        // stdout carries the lines scripts wait for; logs go to stderr.
        logging.ClearProviders();
        logging.AddSimpleConsole(o => o.SingleLine = true);
        logging.Services.Configure<Microsoft.Extensions.Logging.Console.ConsoleLoggerOptions>(o => o.LogToStandardErrorThreshold = LogLevel.Trace);
        logging.AddFilter("Microsoft", LogLevel.Warning);
    }

    private static int BoundPort(WebApplication app)
    {
        var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        foreach (var address in addresses)
        {
            if (Uri.TryCreate(address, UriKind.Absolute, out var uri))
            {
                return uri.Port;
            }
        }

        throw new InvalidOperationException("Kestrel reported no bound address.");
    }

    [LoggerMessage(EventId = 6100, EventName = "SiloStarted", Level = LogLevel.Information, Message = "Silo started: gRPC on 127.0.0.1:{Port}, storage {Storage}")]
    private static partial void LogStarted(ILogger logger, int port, string storage);

    [LoggerMessage(EventId = 6101, EventName = "SiloStopped", Level = LogLevel.Information, Message = "Silo stopped; grains deactivated and state written")]
    private static partial void LogStopped(ILogger logger);
}
