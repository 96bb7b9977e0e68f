using System.Net;
using Azure.Data.Tables;
using Azure.Identity;
using Azure.Storage.Blobs;
using Orleans.Configuration;
using Orleans.Dashboard;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Grains.Storage;
using StriveNetwork.Providers;
using StriveNetwork.Providers.Azure;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Sqlite;
using StriveNetwork.Silo.Memory;

namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// The Orleans silo for each <see cref="ClusterProfile"/>: where state, reminders and membership live, which
/// addresses the silo uses, and how fast a dead silo is detected.
/// </summary>
internal static class OrleansSetup
{
    /// <summary>Orleans service id: reminders and state belong to it, so it never changes.</summary>
    public const string ServiceId = "strive-network";

    /// <summary>Blob container of grain state in the <c>azure</c> profile.</summary>
    public const string AzureStateContainer = "strive-grain-state";

    // Every store keeps the same JSON; the grain states' generated contracts make each write cheaper (docs/adr/0023).
    private static readonly StateJsonSerializer StateSerializer = StateJsonSerializer.WritingThrough(GrainStateJsonContext.Default);

    /// <summary>The file of the SQLite store in a data directory.</summary>
    public static string SqliteFile(SiloOptions options) => Path.Combine(Path.GetFullPath(options.DataDir), "strive.db");

    /// <summary>Configures <paramref name="silo"/> for <paramref name="options"/>; the grains come with the Grains assembly.</summary>
    public static void Configure(ISiloBuilder silo, SiloOptions options, bool dashboard)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        var siloPort = FreePort.Or(options.SiloPort);
        switch (options.Profile)
        {
            case ClusterProfile.Embedded:
                // One silo per store (StoreLock), so localhost clustering is the whole membership. No Orleans client
                // gateway: the gRPC front door is co-hosted and calls grains in-process.
                silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: ServiceId, clusterId: "strive-embedded");
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
                var file = SqliteFile(options);
                silo.AddSqliteGrainStorageAsDefault(o =>
                {
                    o.FilePath = file;
                    o.GrainStorageSerializer = StateSerializer;
                });
                silo.UseSqliteReminderService(o => o.FilePath = file);
                break;
            case ClusterProfile.Postgres:
                ConfigureCluster(silo, options, siloPort);
                silo.UsePostgresClustering(o => o.ConnectionString = options.PostgresConnectionString!);
                silo.AddPostgresGrainStorageAsDefault(o =>
                {
                    o.ConnectionString = options.PostgresConnectionString!;
                    o.GrainStorageSerializer = StateSerializer;
                });
                silo.UsePostgresReminderService(o => o.ConnectionString = options.PostgresConnectionString!);
                break;
            case ClusterProfile.Azure:
                ConfigureCluster(silo, options, siloPort);
                ConfigureAzure(silo, options);
                break;
        }

        if (dashboard)
        {
            silo.AddDashboard();
        }

        // Carries the caller's trace context into grain calls (and from grain to grain), so a gRPC call's trace
        // shows the grain calls it made. Only when traces are exported: otherwise the filters would be pure cost.
        if (options.ExportsOtlp)
        {
            silo.AddActivityPropagation();
        }

        silo.Services.AddStriveGrains(s => s.MinimumN = options.MinN);

        // Orleans allocates its directory cache for the full CacheSize at start (1,000,000 entries, 18.6 MiB, by
        // default); Strive:GrainDirectory:CacheSize bounds it (validated by SiloHost.CheckSections; docs/adr/0019).
        var directoryCache = silo.Configuration.GetSection(GrainDirectoryCacheOptions.SectionName).Get<GrainDirectoryCacheOptions>() ?? new();
        silo.Configure<GrainDirectoryOptions>(o => o.CacheSize = directoryCache.CacheSize);

        // Env Strive__PartnershipLimits__MaxSystemsChangeExamples=… and the like; validated on start.
        silo.Services.Configure<PartnershipLimits>(silo.Configuration.GetSection("Strive:PartnershipLimits"));

        // Env Strive__Requests__Window=1.00:00:00 and Strive__Requests__MaxEntries=256; validated on start.
        silo.Services.Configure<RequestLogOptions>(silo.Configuration.GetSection(RequestLogOptions.SectionName));

        // Env Strive__Outbox__ReminderPeriod=00:10:00 and the like; checked by SiloHost.CheckSections.
        silo.Services.Configure<OutboxOptions>(silo.Configuration.GetSection(OutboxOptions.SectionName));
        silo.Services.AddSingleton<TokenIssuer>();
    }

    /// <summary>Cluster id, addresses and failure detection shared by the profiles whose silos form a cluster.</summary>
    private static void ConfigureCluster(ISiloBuilder silo, SiloOptions options, int siloPort)
    {
        silo.Configure<ClusterOptions>(o =>
        {
            o.ServiceId = ServiceId;
            o.ClusterId = options.ClusterId;
        });
        var advertised = IPAddress.Parse(options.AdvertiseAddress);
        var listen = IPAddress.Parse(options.ListenAddress);
        silo.Configure<EndpointOptions>(o =>
        {
            o.AdvertisedIPAddress = advertised;
            o.SiloPort = siloPort;
            o.GatewayPort = 0;

            // In a pod the silo listens on every address and advertises the pod IP; on one machine (tests, several
            // silos on loopback) it listens where it advertises.
            o.SiloListeningEndpoint = new IPEndPoint(listen.Equals(IPAddress.Any) ? IPAddress.Any : advertised, siloPort);
        });

        // Detection of a dead silo: probes every 2 s, three missed probes (by two silos) declare it dead, so its
        // grains are reachable again on the others within about 10 s of a crash (Orleans' defaults take about 30 s).
        // Settable under Orleans:Membership (ClusterMembershipOptions) like any Orleans option.
        silo.Configure<ClusterMembershipOptions>(o =>
        {
            o.ProbeTimeout = TimeSpan.FromSeconds(2);
            o.NumMissedProbesLimit = 3;
            o.TableRefreshTimeout = TimeSpan.FromSeconds(5);
            o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(30);
        });
        silo.Services.AddOptions<ClusterMembershipOptions>().Bind(silo.Configuration.GetSection("Orleans:Membership"));

        // Calls a dead silo queued during a partition are refused when the partition heals.
        silo.AddOutgoingGrainCallFilter<DeadSiloFence>();
        silo.AddIncomingGrainCallFilter<DeadSiloFence>();

        // On Kubernetes (the kubelet sets KUBERNETES_SERVICE_HOST in every pod) Orleans watches the silo pods: a pod
        // that is deleted is declared dead at once, and the pod of a silo declared dead is deleted.
        if (!string.IsNullOrEmpty(Environment.GetEnvironmentVariable("KUBERNETES_SERVICE_HOST")))
        {
            silo.UseKubernetesHosting(o => o.Configure(k => k.DeleteDefunctSiloPods = true));
        }
    }

    private static void ConfigureAzure(ISiloBuilder silo, SiloOptions options)
    {
        var connection = options.AzureStorageConnectionString;
        var account = options.AzureStorageAccount;
        var credential = connection is null ? new DefaultAzureCredential() : null;
        TableServiceClient Tables() => connection is not null
            ? new TableServiceClient(connection)
            : new TableServiceClient(new Uri($"https://{account}.table.core.windows.net"), credential);
        silo.UseAzureStorageClustering(o => o.TableServiceClient = Tables());
        silo.UseAzureTableReminderService(o => o.TableServiceClient = Tables());

        // Blobs, not tables: a partnership's state may exceed a table entity's 1 MB; a blob write is conditional on
        // its ETag just the same. State is the same JSON as in SQLite and PostgreSQL.
        silo.AddAzureGrainStateAsDefault(o =>
        {
            o.ContainerName = AzureStateContainer;
            o.GrainStorageSerializer = StateSerializer;
            o.BlobServiceClient = connection is not null
                ? new BlobServiceClient(connection)
                : new BlobServiceClient(new Uri($"https://{account}.blob.core.windows.net"), credential);
        });
    }
}
