using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>
/// The registration API in a silo host (<c>Host.CreateApplicationBuilder().UseOrleans(...)</c>): keyed by provider
/// name as Orleans does, the default alias, the lifecycle participants, the reminder and membership tables, validation at start and
/// option logging without passwords.
/// </summary>
public sealed class RegistrationTests : IDisposable
{
    private const string Password = "hunter2-not-a-real-password";
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    [Fact]
    public void Sqlite_RegistersKeyedStorageTheDefaultAliasAndTheReminderTable()
    {
        var path = _folder.File("strive.db");
        using var host = Build(silo => silo
            .AddSqliteGrainStorage("named", o => o.FilePath = path)
            .AddSqliteGrainStorageAsDefault(o => o.FilePath = path)
            .UseSqliteReminderService(o => o.FilePath = path));

        var named = Assert.IsType<SqliteGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>("named"));
        var byDefault = Assert.IsType<SqliteGrainStorage>(host.Services.GetRequiredService<IGrainStorage>());
        Assert.Same(byDefault, host.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME));
        Assert.Equal("named", named.Name);
        Assert.Equal(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, byDefault.Name);
        var reminders = Assert.IsType<SqliteReminderTable>(host.Services.GetRequiredService<IReminderTable>());
        Assert.Equal("registration-service", reminders.ServiceId);
        var participants = host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>().ToList();
        Assert.Contains(named, participants);
        Assert.Contains(byDefault, participants);
        Assert.Contains(reminders, participants);
        // One file, one writer: all three share it.
        Assert.Same(named.Database, reminders.Database);
    }

    [Fact]
    public void Postgres_RegistersKeyedStorageTheDefaultAliasAndTheReminderTable()
    {
        var connectionString = TestPostgres.ConnectionString;
        using var host = Build(silo => silo
            .AddPostgresGrainStorage("named", o => o.ConnectionString = connectionString)
            .AddPostgresGrainStorageAsDefault(o => o.ConnectionString = connectionString)
            .UsePostgresReminderService(o => o.ConnectionString = connectionString));

        var named = Assert.IsType<PostgresGrainStorage>(host.Services.GetRequiredKeyedService<IGrainStorage>("named"));
        var byDefault = Assert.IsType<PostgresGrainStorage>(host.Services.GetRequiredService<IGrainStorage>());
        Assert.Equal("named", named.Name);
        Assert.Equal(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME, byDefault.Name);
        var reminders = Assert.IsType<PostgresReminderTable>(host.Services.GetRequiredService<IReminderTable>());
        Assert.Equal("registration-service", reminders.ServiceId);
        Assert.Contains(reminders, host.Services.GetServices<ILifecycleParticipant<ISiloLifecycle>>());
    }

    [Fact]
    public void Postgres_UsePostgresClustering_RegistersTheMembershipTableForTheClusterId()
    {
        var connectionString = TestPostgres.ConnectionString;
        using var host = Build(
            silo => silo.UsePostgresClustering(o =>
            {
                o.ConnectionString = connectionString;
                o.Schema = "cluster_schema";
            }),
            localhostClustering: false);

        var table = Assert.IsType<PostgresMembershipTable>(host.Services.GetRequiredService<IMembershipTable>());
        Assert.Same(table, host.Services.GetRequiredService<PostgresMembershipTable>());
        Assert.Equal("registration-cluster", table.ClusterId);
        Assert.Equal("cluster_schema", table.Schema);
    }

    [Fact]
    public async Task Postgres_InvalidClusteringOptions_FailTheStartNamingTheOption()
    {
        using var host = Build(silo => silo.UsePostgresClustering(o => o.Schema = "Bad-Schema"), localhostClustering: false);

        var ex = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.Contains("PostgresClusteringOptions for the membership table need exactly one of ConnectionString or DataSource", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresClusteringOptions.Schema 'Bad-Schema'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sqlite_InvalidOptions_FailTheStartNamingTheOption()
    {
        using var host = Build(silo => silo
            .AddSqliteGrainStorage("main", _ => { })
            .UseSqliteReminderService(o => o.BusyTimeout = TimeSpan.Zero));

        var ex = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.Contains("SqliteGrainStorageOptions.FilePath is required for grain storage 'main'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Postgres_InvalidOptions_FailTheStartNamingTheOption()
    {
        using var host = Build(silo => silo.AddPostgresGrainStorage("main", o => o.Schema = "Bad-Schema"));

        var ex = await Assert.ThrowsAsync<OrleansConfigurationException>(() => host.StartAsync());

        Assert.Contains("PostgresGrainStorageOptions for grain storage 'main' need exactly one of ConnectionString or DataSource", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresGrainStorageOptions.Schema 'Bad-Schema'", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void OptionsAreLoggedWithoutThePassword()
    {
        var connectionString = $"Host=127.0.0.1;Port=5432;Username=strive;Password={Password};Database=strive";
        using var host = Build(silo => silo
            .AddPostgresGrainStorage("main", o => o.ConnectionString = connectionString)
            .UsePostgresReminderService(o => o.ConnectionString = connectionString)
            .UsePostgresClustering(o => o.ConnectionString = connectionString)
            .AddSqliteGrainStorage("local", o => o.FilePath = "data/strive.db"));

        var formatted = host.Services.GetServices<IOptionFormatter>().Select(f => (f.Name, Lines: string.Join("\n", f.Format()))).ToList();

        Assert.Contains(formatted, f => f.Name.Contains(nameof(PostgresGrainStorageOptions), StringComparison.Ordinal) && f.Lines.Contains("Schema: strive", StringComparison.Ordinal));
        Assert.Contains(formatted, f => f.Name.Contains(nameof(PostgresReminderTableOptions), StringComparison.Ordinal));
        Assert.Contains(formatted, f => f.Name.Contains(nameof(PostgresClusteringOptions), StringComparison.Ordinal) && f.Lines.Contains("Schema: strive", StringComparison.Ordinal));
        Assert.Contains(formatted, f => f.Name.Contains(nameof(SqliteGrainStorageOptions), StringComparison.Ordinal) && f.Lines.Contains("data/strive.db", StringComparison.Ordinal));
        Assert.All(formatted, f => Assert.DoesNotContain(Password, f.Lines, StringComparison.Ordinal));
    }

    private static IHost Build(Action<ISiloBuilder> configure, bool localhostClustering = true)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.UseOrleans(silo =>
        {
            if (localhostClustering)
            {
                silo.UseLocalhostClustering(FreePort(), FreePort(), serviceId: "registration-service");
            }
            else
            {
                silo.Configure<ClusterOptions>(o =>
                {
                    o.ClusterId = "registration-cluster";
                    o.ServiceId = "registration-service";
                });
                silo.ConfigureEndpoints(IPAddress.Loopback, FreePort(), FreePort());
            }

            configure(silo);
        });
        return builder.Build();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
