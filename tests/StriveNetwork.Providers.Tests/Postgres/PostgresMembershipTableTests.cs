using System.Net;
using System.Net.Sockets;
using StriveNetwork.Providers.Postgres;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>
/// PostgreSQL-specific behaviour of the membership table: rows an operator can read in SQL, silos on separate pools
/// racing for one table version, an unreachable server, options.
/// </summary>
public sealed class PostgresMembershipTableTests : IAsyncLifetime
{
    private const string Password = "hunter2-not-a-real-password";
    private static int _generation;
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly List<PostgresMembershipTable> _tables = [];
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));

    private CancellationToken Ct => _timeout.Token;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _timeout.Dispose();
        foreach (var table in _tables)
        {
            await table.DisposeAsync();
        }

        await TestPostgres.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task Rows_AreReadableInSql_WithTheStatusByName()
    {
        var table = await TableAsync("sql-view");
        var entry = Entry();
        Assert.True(await table.InsertRowAsync(entry, (await table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var read = await table.ReadAllAsync(Ct);
        entry.Status = SiloStatus.Active;
        Assert.True(await table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next(), Ct));

        Assert.Equal(
            $"{entry.SiloAddress.ToParsableString()} Active 2",
            await TestPostgres.ScalarAsync<string>(
                $"SELECT silo_address || ' ' || status || ' ' || etag FROM \"{_schema}\".membership WHERE cluster_id = 'sql-view'"));
        Assert.Equal(2, await TestPostgres.ScalarAsync<int>($"SELECT version FROM \"{_schema}\".membership_version WHERE cluster_id = 'sql-view'"));
    }

    [Fact]
    public async Task SilosOnSeparatePools_RacingWithOneTableVersion_ExactlyOneWinsEachRound()
    {
        // Three silos' tables, each with its own pool, as three processes would have.
        var tables = new[] { await TableAsync("race"), await TableAsync("race"), await TableAsync("race") };
        var entries = tables.Select(_ => Entry()).ToArray();
        for (var i = 0; i < tables.Length; i++)
        {
            Assert.True(await tables[i].InsertRowAsync(entries[i], (await tables[i].ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        for (var round = 0; round < 10; round++)
        {
            // Every silo read the same snapshot and now suspects the next one: one vote per round gets in.
            var snapshot = await tables[0].ReadAllAsync(Ct);
            var results = await Task.WhenAll(tables.Select((table, i) => Task.Run(() =>
            {
                var (target, etag) = snapshot.TryGet(entries[(i + 1) % tables.Length].SiloAddress)!;
                target.SuspectTimes = [.. target.SuspectTimes ?? [], Tuple.Create(entries[i].SiloAddress, DateTime.UtcNow)];
                return table.UpdateRowAsync(target, etag, snapshot.Version.Next(), Ct);
            })));

            Assert.Single(results, ok => ok);
            Assert.Equal(snapshot.Version.Version + 1, (await tables[2].ReadAllAsync(Ct)).Version.Version);
        }

        var final = await tables[1].ReadAllAsync(Ct);
        Assert.Equal(tables.Length + 10, final.Version.Version);
        Assert.Equal(10, final.Members.Sum(m => m.Item1.SuspectTimes?.Count ?? 0));
    }

    [Fact]
    public async Task UnreachableServer_FailsWithGrainStorageUnavailable_NamingHostAndPortButNotThePassword()
    {
        var connectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=strive;Password={Password};Database=strivedb;Timeout=5";
        var table = Track(new PostgresMembershipTable("c1", new PostgresClusteringOptions { ConnectionString = connectionString }));

        var onInit = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => table.InitializeMembershipTableAsync(true, Ct));
        var onRead = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => table.ReadAllAsync(Ct));

        Assert.StartsWith("PostgreSQL membership table of cluster 'c1' (host 127.0.0.1, port ", onInit.Message, StringComparison.Ordinal);
        Assert.Contains("database strivedb, user strive, schema strive) is unavailable: opening the store failed.", onInit.Message, StringComparison.Ordinal);
        Assert.Contains("read all failed", onRead.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, onInit.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(Password, onRead.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Options_AreValidatedNamingTheOption_AndTheClusterIdIsRequired()
    {
        var ex = Assert.Throws<OrleansConfigurationException>(() =>
            new PostgresClusteringOptionsValidator(Microsoft.Extensions.Options.Options.Create(new PostgresClusteringOptions { Schema = "Bad" })).ValidateConfiguration());

        Assert.Contains("PostgresClusteringOptions for the membership table need exactly one of ConnectionString or DataSource", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PostgresClusteringOptions.Schema 'Bad'", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PostgresMembershipTable("c1", new PostgresClusteringOptions()));
        Assert.Throws<ArgumentException>(() => new PostgresMembershipTable("", new PostgresClusteringOptions { ConnectionString = "Host=x" }));
        Assert.Throws<ArgumentException>(() => new PostgresMembershipTable("a\0b", new PostgresClusteringOptions { ConnectionString = "Host=x" }));
    }

    private static MembershipEntry Entry() => new()
    {
        SiloAddress = SiloAddress.New(IPAddress.Loopback, 22222, Interlocked.Increment(ref _generation)),
        Status = SiloStatus.Joining,
        HostName = "h",
        SiloName = "s",
        StartTime = DateTime.UtcNow,
        IAmAliveTime = DateTime.UtcNow,
        SuspectTimes = [],
    };

    private static int ClosedPort()
    {
        // A port that was free a moment ago: connecting to it is refused at once.
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private async Task<PostgresMembershipTable> TableAsync(string clusterId)
    {
        var table = Track(new PostgresMembershipTable(clusterId, new PostgresClusteringOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema }));
        await table.InitializeMembershipTableAsync(true, Ct);
        return table;
    }

    private PostgresMembershipTable Track(PostgresMembershipTable table)
    {
        _tables.Add(table);
        return table;
    }
}
