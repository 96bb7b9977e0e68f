using System.Reflection;
using Microsoft.Extensions.Options;
using Npgsql;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Orleans.Diagnostics;
using StriveNetwork.Grains.Abstractions.Telemetry;

namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// OpenTelemetry of the silo: metrics of Orleans, ASP.NET Core (hosting, Kestrel), the .NET runtime, Npgsql and the
/// project's own meter (gRPC calls, limits, revocations, outbox), served to Prometheus on
/// <see cref="SiloOptions.MetricsPort"/> and/or exported by OTLP with traces of ASP.NET Core, Orleans and Npgsql when
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set. Neither configured: nothing is registered, nothing listens or exports.
/// </summary>
internal static class SiloTelemetry
{
    /// <summary>The <c>service.name</c> of every silo's telemetry.</summary>
    public const string ServiceName = "strive-silo";

    /// <summary>The path of the Prometheus scrape endpoint on the metrics port.</summary>
    public const string MetricsPath = "/metrics";

    /// <summary>The meters exported: the project's, Orleans', ASP.NET Core's hosting and Kestrel ones, the runtime's.</summary>
    public static IReadOnlyList<string> Meters { get; } =
    [
        StriveMeter.Name,
        "Microsoft.Orleans",
        "Microsoft.AspNetCore.Hosting",
        "Microsoft.AspNetCore.Server.Kestrel",
        "System.Runtime",
    ];

    /// <summary>Orleans' activity sources traced: grain calls (runtime and application), activation lifecycle, storage.</summary>
    public static IReadOnlyList<string> OrleansActivitySources { get; } =
    [
        ActivitySources.RuntimeActivitySourceName,
        ActivitySources.ApplicationGrainActivitySourceName,
        ActivitySources.LifecycleActivitySourceName,
        ActivitySources.StorageActivitySourceName,
    ];

    /// <summary>Whether <paramref name="options"/> turn any telemetry on.</summary>
    public static bool IsOn(SiloOptions options) => options.MetricsPort != 0 || options.ExportsOtlp;

    /// <summary>Registers OpenTelemetry in <paramref name="services"/> as <paramref name="options"/> ask; nothing when both are off.</summary>
    public static void Configure(IServiceCollection services, SiloOptions options)
    {
        ArgumentNullException.ThrowIfNull(services);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsOn(options))
        {
            return;
        }

        var version = typeof(SiloTelemetry).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion;
        var telemetry = services.AddOpenTelemetry()
            .ConfigureResource(resource => resource
                .AddService(ServiceName, serviceVersion: version, autoGenerateServiceInstanceId: false)
                .AddDetector(provider => new SiloInstanceDetector(provider)));

        telemetry.WithMetrics(metrics =>
        {
            metrics.AddMeter([.. Meters])
                .AddAspNetCoreInstrumentation()
                .AddRuntimeInstrumentation()
                .AddNpgsqlInstrumentation();
            if (options.MetricsPort != 0)
            {
                metrics.AddPrometheusExporter();
            }

            if (options.ExportsOtlp)
            {
                // Endpoint, protocol, headers and intervals come from the standard OTEL_* variables.
                metrics.AddOtlpExporter();
            }
        });

        if (options.ExportsOtlp)
        {
            var metricsPort = options.MetricsPort;
            telemetry.WithTracing(tracing => tracing
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => IsTraced(context, metricsPort))
                .AddSource([.. OrleansActivitySources])
                .AddNpgsql()
                .AddOtlpExporter());
        }
    }

    /// <summary>
    /// Maps the Prometheus scrape endpoint on <paramref name="port"/>: <c>GET /metrics</c> answers there, every other
    /// request on that port is 404, and no other port serves it. Does nothing when the port is 0.
    /// </summary>
    public static void MapMetrics(WebApplication app, int port)
    {
        ArgumentNullException.ThrowIfNull(app);
        if (port == 0)
        {
            return;
        }

        app.UseWhen(context => context.Connection.LocalPort == port, branch =>
        {
            branch.UseOpenTelemetryPrometheusScrapingEndpoint(context => context.Request.Path == MetricsPath);
            branch.Run(context =>
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return Task.CompletedTask;
            });
        });
    }

    // Scrapes and health probes (every few seconds from Prometheus and the kubelet) would bury the calls in traces.
    private static bool IsTraced(HttpContext context, int metricsPort) =>
        (metricsPort == 0 || context.Connection.LocalPort != metricsPort)
        && !context.Request.Path.StartsWithSegments("/grpc.health.v1.Health", StringComparison.Ordinal);

    /// <summary>
    /// <c>service.instance.id</c> = the Orleans silo name: the pod name on Kubernetes (Orleans' Kubernetes hosting
    /// names the silo after <c>POD_NAME</c>), otherwise the name Orleans gives the silo.
    /// </summary>
    private sealed class SiloInstanceDetector(IServiceProvider provider) : IResourceDetector
    {
        public Resource Detect()
        {
            var name = provider.GetService<IOptions<Orleans.Configuration.SiloOptions>>()?.Value.SiloName;
            return string.IsNullOrEmpty(name)
                ? Resource.Empty
                : new Resource([new KeyValuePair<string, object>("service.instance.id", name)]);
        }
    }
}
