using System.Net;
using Orleans.Configuration;
using Orleans.Dashboard;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Silo.Hosting;

/// <summary>The Orleans silo of the one-machine profile: localhost clustering, SQLite or PostgreSQL state and reminders.</summary>
internal static class OrleansSetup
{
    /// <summary>Orleans service id: reminders and state belong to it, so it never changes.</summary>
    public const string ServiceId = "strive-network";

    /// <summary>The file of the SQLite store in a data directory.</summary>
    public static string SqliteFile(SiloOptions options) => Path.Combine(Path.GetFullPath(options.DataDir), "strive.db");

    /// <summary>Configures <paramref name="silo"/> for <paramref name="options"/>; the grains come with the Grains assembly.</summary>
    public static void Configure(ISiloBuilder silo, SiloOptions options, bool dashboard)
    {
        ArgumentNullException.ThrowIfNull(silo);
        ArgumentNullException.ThrowIfNull(options);

        // One silo per store (StoreLock), so localhost clustering is the whole membership. No Orleans client gateway:
        // the gRPC front door is co-hosted and calls grains in-process.
        var siloPort = FreePort.Or(options.SiloPort);
        silo.UseLocalhostClustering(siloPort: siloPort, gatewayPort: 0, serviceId: ServiceId, clusterId: "strive-embedded");
        silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
        if (options.UsesPostgres)
        {
            silo.AddPostgresGrainStorageAsDefault(o => o.ConnectionString = options.PostgresConnectionString!);
            silo.UsePostgresReminderService(o => o.ConnectionString = options.PostgresConnectionString!);
        }
        else
        {
            var file = SqliteFile(options);
            silo.AddSqliteGrainStorageAsDefault(o => o.FilePath = file);
            silo.UseSqliteReminderService(o => o.FilePath = file);
        }

        if (dashboard)
        {
            silo.AddDashboard();
        }

        silo.Services.AddStriveGrains(s => s.MinimumN = options.MinN);

        // Env Strive__PartnershipLimits__MaxSystemsChangeExamples=… and the like; validated on start.
        silo.Services.Configure<PartnershipLimits>(silo.Configuration.GetSection("Strive:PartnershipLimits"));

        // Env Strive__Requests__Window=1.00:00:00 and Strive__Requests__MaxEntries=256; validated on start.
        silo.Services.Configure<RequestLogOptions>(silo.Configuration.GetSection(RequestLogOptions.SectionName));
        silo.Services.AddSingleton<TokenIssuer>();
    }
}
