using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;
using Orleans.Configuration;
using StriveNetwork.Providers.Postgres;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>
/// Real Orleans silos (each its own host in this process, with its own silo and gateway ports on 127.0.0.1) clustered
/// through the PostgreSQL membership table: they find each other through it, spread grains over each other, and when one
/// stops (gracefully or not) or is declared dead by the other, the table and the survivor show it dead and the survivor
/// serves every grain. (Killing a silo process, SIGKILL, needs separate processes: the multi-process failover test.)
/// </summary>
public sealed class PostgresClusterTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(90);
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly string _clusterId = "cluster-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<IHost> _hosts = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var host in _hosts)
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            try
            {
                await host.StopAsync(timeout.Token);
            }
            catch (Exception ex) when (ex is OperationCanceledException or OrleansException or InvalidOperationException)
            {
                // A silo the test declared dead may refuse a graceful stop; disposing it below ends it all the same.
            }

            host.Dispose();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task TwoSilos_SeeEachOtherActive_AndWhenOneStopsTheOtherServesEveryGrain()
    {
        var a = await StartSiloAsync("a");
        var b = await StartSiloAsync("b");
        var (siloA, siloB) = (Address(a), Address(b));

        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA, siloB]) && ActiveIn(b).SetEquals([siloA, siloB])), "both silos to see both Active");
        Assert.Equal(new Dictionary<string, string> { [siloA] = "Active", [siloB] = "Active" }, await StatusesInTableAsync());

        // Grains spread over both silos, and each grain has one activation: both front doors reach the same one.
        var (first, placedThroughA) = await SpreadAsync(a, siloB);
        Assert.Equal(new[] { siloA, siloB }.Order(StringComparer.Ordinal), placedThroughA.Distinct().Order(StringComparer.Ordinal));
        Assert.Equal(placedThroughA, await WhereAsync(b, first));

        await StopAsync(b);

        Assert.Equal("Dead", (await StatusesInTableAsync())[siloB]);
        Assert.Equal("Active", (await StatusesInTableAsync())[siloA]);
        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA])), "the survivor to see the stopped silo dead");
        // Every grain answers again, the ones that lived on the stopped silo now from the survivor.
        Assert.All(await WhereAsync(a, first), silo => Assert.Equal(siloA, silo));
    }

    [Fact]
    public async Task AnUngracefullyStoppedSilo_IsDeadInTheTable_AndTheSurvivorTakesItsGrains()
    {
        var a = await StartSiloAsync("a");
        var b = await StartSiloAsync("b");
        var (siloA, siloB) = (Address(a), Address(b));
        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA, siloB]) && ActiveIn(b).SetEquals([siloA, siloB])), "both silos to see both Active");
        var (first, _) = await SpreadAsync(a, siloB);

        // Stopped with a canceled token (what Orleans' test cluster calls a kill): no graceful hand-over of grains.
        using (var canceled = new CancellationTokenSource())
        {
            await canceled.CancelAsync();
            await b.StopAsync(canceled.Token);
        }

        await WaitAsync(async () => (await StatusesInTableAsync())[siloB] == "Dead", "the stopped silo to be dead in the table");
        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA])), "the survivor to drop the stopped silo");
        Assert.All(await WhereAsync(a, first), silo => Assert.Equal(siloA, silo));
    }

    [Fact]
    public async Task ASiloDeclaredDeadByAnother_ReadsItInTheTable_AndStopsItself()
    {
        var a = await StartSiloAsync("a");
        var fatal = new RecordingFatalErrorHandler();
        var b = await StartSiloAsync("b", services => services.AddSingleton<IFatalErrorHandler>(fatal));
        var (siloA, siloB) = (Address(a), Address(b));
        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA, siloB]) && ActiveIn(b).SetEquals([siloA, siloB])), "both silos to see both Active");

        // What a partitioned silo meets: the others declared it dead in the table (Orleans' own path for that, a
        // conditional UpdateRow carrying the declaring silo's vote) while it kept running.
        // TryKill queues the declaration; the declaring silo writes it in the background.
        Assert.True(await a.Services.GetRequiredService<IClusterMembershipService>().TryKill(b.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress));
        await WaitAsync(async () => (await StatusesInTableAsync())[siloB] == "Dead", "the declaration in the table");
        Assert.Contains(siloA, await TestPostgres.ScalarAsync<string[]>(
            $"SELECT suspecting_silos FROM \"{_schema}\".membership WHERE cluster_id = '{_clusterId}' AND silo_address = '{siloB}'"));
        await b.Services.GetRequiredService<IClusterMembershipService>().Refresh(default, CancellationToken.None);

        // Orleans' answer is to stop the process (the default handler fails fast); this handler records the call instead.
        var reason = await fatal.Called.Task.WaitAsync(Patience);
        Assert.Contains("dead", reason, StringComparison.OrdinalIgnoreCase);
        await WaitAsync(() => Task.FromResult(ActiveIn(a).SetEquals([siloA])), "the declaring silo to drop it");
        Assert.All(await WhereAsync(a, 0), silo => Assert.Equal(siloA, silo));
    }

    private static string Address(IHost host) => host.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToParsableString();

    private static HashSet<string> ActiveIn(IHost host) =>
        host.Services.GetRequiredService<IClusterMembershipService>().CurrentSnapshot.Members.Values
            .Where(m => m.Status == SiloStatus.Active)
            .Select(m => m.SiloAddress.ToParsableString())
            .ToHashSet();

    /// <summary>Where the 40 probe grains from <paramref name="first"/> on live, activating them through <paramref name="host"/>.</summary>
    private static async Task<string[]> WhereAsync(IHost host, int first)
    {
        var factory = host.Services.GetRequiredService<IGrainFactory>();
        return await Task.WhenAll(Enumerable.Range(first, 40).Select(i => factory.GetGrain<ISiloProbeGrain>(i).GetSiloAsync().WaitAsync(Patience)));
    }

    /// <summary>
    /// Activates batches of 40 new probe grains through <paramref name="host"/> until one batch has grains on
    /// <paramref name="other"/> (a silo places grains only on silos whose grain types it has learned, which may come a
    /// moment after it sees them active); returns that batch.
    /// </summary>
    private static async Task<(int First, string[] Silos)> SpreadAsync(IHost host, string other)
    {
        using var timeout = new CancellationTokenSource(Patience);
        for (var first = 1000; ; first += 40)
        {
            var silos = await WhereAsync(host, first);
            if (silos.Contains(other))
            {
                return (first, silos);
            }

            Assert.False(timeout.IsCancellationRequested, $"No grain was placed on {other} within {Patience}.");
            await Task.Delay(200);
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        using var timeout = new CancellationTokenSource(Patience);
        while (!await condition())
        {
            if (timeout.IsCancellationRequested)
            {
                Assert.Fail($"Timed out after {Patience} waiting for {what}.");
            }

            await Task.Delay(200);
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private async Task<Dictionary<string, string>> StatusesInTableAsync()
    {
        await using var connection = new NpgsqlConnection(TestPostgres.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT silo_address, status FROM \"{_schema}\".membership WHERE cluster_id = @cluster", connection);
        command.Parameters.AddWithValue("cluster", _clusterId);
        await using var reader = await command.ExecuteReaderAsync();
        var statuses = new Dictionary<string, string>();
        while (await reader.ReadAsync())
        {
            statuses[reader.GetString(0)] = reader.GetString(1);
        }

        return statuses;
    }

    private async Task StopAsync(IHost host)
    {
        using var timeout = new CancellationTokenSource(Patience);
        await host.StopAsync(timeout.Token);
    }

    private async Task<IHost> StartSiloAsync(string name, Action<IServiceCollection>? configureServices = null)
    {
        var connectionString = TestPostgres.ConnectionString;
        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo =>
        {
            silo.Configure<ClusterOptions>(o =>
            {
                o.ClusterId = _clusterId;
                o.ServiceId = "strive-test";
            });
            silo.Configure<SiloOptions>(o => o.SiloName = name);
            silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            silo.UsePostgresClustering(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = _schema;
            });
            // Failure detection in seconds rather than a minute, so the tests wait less; the protocol is the same.
            silo.Configure<ClusterMembershipOptions>(o =>
            {
                o.ProbeTimeout = TimeSpan.FromSeconds(1);
                o.NumMissedProbesLimit = 2;
                o.TableRefreshTimeout = TimeSpan.FromSeconds(2);
                o.IAmAliveTablePublishTimeout = TimeSpan.FromSeconds(2);
            });
            configureServices?.Invoke(silo.Services);
        });
        var host = builder.Build();
        _hosts.Add(host);
        using var timeout = new CancellationTokenSource(Patience);
        await host.StartAsync(timeout.Token);
        return host;
    }

    /// <summary>Records Orleans' fatal-error call instead of ending the test process.</summary>
    private sealed class RecordingFatalErrorHandler : IFatalErrorHandler
    {
        public TaskCompletionSource<string> Called { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool IsUnexpected(Exception exception) => true;

        public void OnFatalException(object? sender = null, string? context = null, Exception? exception = null) =>
            Called.TrySetResult($"{context} {exception?.Message}");
    }
}
