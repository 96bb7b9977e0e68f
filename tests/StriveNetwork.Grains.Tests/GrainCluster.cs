using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using Orleans.TestingHost;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Abstractions.Views;
using StriveNetwork.Grains.Storage;
using StriveNetwork.Providers;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// An Orleans in-process cluster (1 or 3 silos) with the StriveNetwork grains. Every silo's default storage is a
/// <see cref="FaultyGrainStorage"/> over the chosen storage, and every silo rejects the calls
/// <see cref="DeliveryFaults"/> names, so any test can make a write or a delivery fail.
/// </summary>
public sealed class GrainCluster : IAsyncDisposable
{
    private const string InnerStorageName = "inner";

    private readonly string? _folder;

    private GrainCluster(InProcessTestCluster cluster, StorageFaults storageFaults, DeliveryFaults deliveryFaults, string? folder)
    {
        Cluster = cluster;
        StorageFaults = storageFaults;
        DeliveryFaults = deliveryFaults;
        _folder = folder;
    }

    public InProcessTestCluster Cluster { get; }

    /// <summary>Writes to refuse.</summary>
    public StorageFaults StorageFaults { get; }

    /// <summary>Calls to reject.</summary>
    public DeliveryFaults DeliveryFaults { get; }

    public IClusterClient Client => Cluster.Client;

    public IPartnershipGrain Partnership(string id) => Client.GetGrain<IPartnershipGrain>(id);

    public IIndicatorGrain Indicator(string partnershipId, string indicatorId) =>
        Client.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnershipId, indicatorId));

    public ICohortGrain Cohort(string id) => Client.GetGrain<ICohortGrain>(id);

    public INetworkShardGrain Shard(string key) => Client.GetGrain<INetworkShardGrain>(key);

    public INetworkGrain Network => Client.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);

    public ITokenRegistryGrain Tokens => Client.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey);

    public static async Task<GrainCluster> StartAsync(GrainClusterOptions? options = null)
    {
        options ??= new GrainClusterOptions();
        var storageFaults = new StorageFaults();
        var deliveryFaults = new DeliveryFaults();
        var shared = options.Storage == StorageKind.Shared ? new SharedGrainStorage() : null;
        var reminders = options.Storage == StorageKind.Shared ? new SharedReminderTable() : null;
        var folder = options.Storage == StorageKind.Sqlite ? Directory.CreateTempSubdirectory("strive-grains-").FullName : null;
        var file = folder is null ? null : Path.Combine(folder, "grains.db");

        var builder = new InProcessTestClusterBuilder(options.Silos);
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            if (options.Clock is { } clock)
            {
                silo.Services.AddSingleton(clock);
            }

            // What a silo with a co-hosted front door has: the activations announce their state versions to it.
            silo.Services.AddSingleton<ActivationVersions>();
            silo.Services.AddStriveGrains(
                s => s.MinimumN = options.MinimumN,
                o =>
                {
                    o.MaxBackoff = TimeSpan.FromMilliseconds(250);
                    o.ReminderPeriod = options.ReminderPeriod ?? o.ReminderPeriod;
                });
            silo.AddIncomingGrainCallFilter(new DeliveryFaultFilter(deliveryFaults));
            switch (options.Storage)
            {
                case StorageKind.Memory:
                    silo.AddMemoryGrainStorage(InnerStorageName);
                    silo.UseInMemoryReminderService();
                    break;
                case StorageKind.Shared:
                    silo.Services.AddKeyedSingleton<IGrainStorage>(InnerStorageName, shared!);
                    silo.AddReminders();
                    silo.Services.AddSingleton<IReminderTable>(reminders!);
                    break;
                default:
                    silo.AddSqliteGrainStorage(InnerStorageName, o =>
                    {
                        o.FilePath = file!;
                        o.GrainStorageSerializer = StateJsonSerializer.WritingThrough(GrainStateJsonContext.Default); // as the silo does
                    });
                    silo.UseSqliteReminderService(o => o.FilePath = file!);
                    break;
            }

            silo.Services.AddGrainStorage(
                ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
                (sp, _) => new FaultyGrainStorage(sp.GetRequiredKeyedService<IGrainStorage>(InnerStorageName), storageFaults));
            if (options.ReminderPeriod is not null)
            {
                silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
            }

            if (options.Silos > 1)
            {
                // A killed silo is declared dead within a few seconds, so its grains and reminders move on.
                silo.Configure<ClusterMembershipOptions>(o =>
                {
                    o.ProbeTimeout = TimeSpan.FromSeconds(1);
                    o.NumMissedProbesLimit = 2;
                    o.TableRefreshTimeout = TimeSpan.FromSeconds(1);
                });
                silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10));
            }
        });
        if (options.Silos > 1)
        {
            // Calls to grains of a killed silo fail after this instead of the default 30 s.
            builder.ConfigureClient(client => client.Configure<ClientMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromSeconds(10)));
        }

        var cluster = builder.Build();
        try
        {
            await cluster.DeployAsync();
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }

        return new GrainCluster(cluster, storageFaults, deliveryFaults, folder);
    }

    /// <summary>The silos holding an activation of <paramref name="grain"/> (one, when the grain is active; none otherwise).</summary>
    public async Task<IReadOnlyList<InProcessSiloHandle>> HostsOfAsync(IAddressable grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        var id = grain.GetGrainId();
        var activations = await Client.GetGrain<IManagementGrain>(0).GetDetailedGrainStatistics();
        var silos = Cluster.GetActiveSilos().ToList();
        return [.. activations.Where(a => a.GrainId == id).Select(a => silos.Single(s => s.SiloAddress.Equals(a.SiloAddress)))];
    }

    /// <summary>A grain factory inside <paramref name="silo"/>: calls made through it enter the cluster at that silo.</summary>
    public static IGrainFactory Through(InProcessSiloHandle silo)
    {
        ArgumentNullException.ThrowIfNull(silo);
        return silo.ServiceProvider.GetRequiredService<IGrainFactory>();
    }

    /// <summary>What the storage holds for a grain's state (read through a live silo's default storage), or null.</summary>
    public async Task<T?> ReadStoredAsync<T>(string stateName, IAddressable grain)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(grain);
        var storage = Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.RecordExists ? state.State : null;
    }

    /// <summary>The ETag the storage holds for a grain's state (changes with every write), or null when nothing is stored.</summary>
    public async Task<string?> StoredETagAsync<T>(string stateName, IAddressable grain)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(grain);
        var storage = Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        return state.RecordExists ? state.ETag : null;
    }

    /// <summary>Replaces what the storage holds for a grain's state (the grain must not be active), e.g. with a state of an older shape.</summary>
    public async Task WriteStoredAsync<T>(string stateName, IAddressable grain, Func<T, T> change)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(change);
        var storage = Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var state = new GrainState<T>();
        await storage.ReadStateAsync(stateName, grain.GetGrainId(), state);
        state.State = change(state.State!);
        await storage.WriteStateAsync(stateName, grain.GetGrainId(), state);
    }

    /// <summary>Names of the reminders the cluster's reminder table holds for <paramref name="grain"/>.</summary>
    public async Task<IReadOnlyList<string>> ReminderNamesAsync(IAddressable grain)
    {
        ArgumentNullException.ThrowIfNull(grain);
        var table = Cluster.GetActiveSilos().First().ServiceProvider.GetRequiredService<IReminderTable>();
        var rows = await table.ReadRows(grain.GetGrainId());
        return [.. rows.Reminders.Select(r => r.ReminderName)];
    }

    /// <summary>Polls until the condition holds; bounded by real time (the condition is the signal, not the clock).</summary>
    public static async Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, int seconds = 30)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(condition);
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (true)
        {
            var value = await read();
            if (condition(value))
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {seconds} s waiting for: {what}.");
            }

            await Task.Delay(20);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Ungraceful: nothing a test checks happens at shutdown, and a graceful stop deactivates every grain (seconds).
        await Cluster.StopClusterClientAsync();
        await Task.WhenAll(Cluster.Silos.Select(Cluster.KillSiloAsync));
        await Cluster.DisposeAsync();
        if (_folder is not null)
        {
            SqliteConnection.ClearAllPools();
            Directory.Delete(_folder, recursive: true);
        }
    }
}
