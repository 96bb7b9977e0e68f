using Grpc.Core;
using Npgsql;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>
/// One process per embedded store: a second silo or a token command beside a running silo is refused, clearly; the
/// cluster profiles need no lock, their silos form one cluster.
/// </summary>
public sealed class StoreLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sqlite_SecondHolderIsRefusedUntilTheFirstLetsGo()
    {
        var options = new SiloOptions { DataDir = _dir.Sub("data") };
        var other = new SiloOptions { DataDir = _dir.Sub("other") };

        await using (StoreLock.Acquire(options))
        {
            var refused = Assert.Throws<StoreInUseException>(() => StoreLock.Acquire(options));
            Assert.Contains($"another StriveNetwork process is using the store in {Path.GetFullPath(options.DataDir)}", refused.Message, StringComparison.Ordinal);
            await using (StoreLock.Acquire(other))
            {
                // A different data directory is a different store.
            }
        }

        await using (StoreLock.Acquire(options))
        {
            // Released on dispose.
        }
    }

    [Fact]
    public async Task PostgresSilos_OnOneDatabase_FormOneCluster_AndEachServesTheOthersWrites()
    {
        var server = Environment.GetEnvironmentVariable("STRIVE_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(server), "STRIVE_TEST_POSTGRES is not set: scripts/test.sh exports the connection string of the test PostgreSQL server");
        var database = await CreateDatabaseAsync(server);
        Assert.Null(StoreLock.Acquire(new SiloOptions { Storage = "postgres", Postgres = database }));
        var secret = TokenSecrets.NewSecret();
        var environment = new Dictionary<string, string> { ["STRIVE_POSTGRES"] = database, ["STRIVE_ADMIN_TOKEN"] = secret };

        // Before the cluster profiles a second silo on one database was refused by a lock that a lost connection
        // released; now both join one Orleans cluster through the membership table, and a grain lives on one of them.
        await using var first = SiloProcess.Start(environment, "--storage", "postgres", "--grpc-port", "0", "--data-dir", _dir.Sub("one"));
        var firstPort = await first.WaitForReadyAsync();
        await using var second = SiloProcess.Start(environment, "--storage", "postgres", "--grpc-port", "0", "--data-dir", _dir.Sub("two"));
        var secondPort = await second.WaitForReadyAsync();

        using var one = new StriveClient(firstPort);
        using var two = new StriveClient(secondPort);
        await one.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(secret, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
        {
            PartnershipId = "written-on-one",
            Profile = SiloProcessTests.Profile("Written On One"),
        });
        var read = await two.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(secret, "PartnershipService/GetPartnership", new GetPartnershipRequest { PartnershipId = "written-on-one" });
        Assert.Equal("Written On One", read.Partnership.Profile.DisplayName);
        Assert.Equal(StatusCode.AlreadyExists, (await two.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(secret, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
        {
            PartnershipId = "written-on-one",
            Profile = SiloProcessTests.Profile("Written On One"),
        })).Code);

        second.Terminate();
        Assert.Equal(0, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        read = await one.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(secret, "PartnershipService/GetPartnership", new GetPartnershipRequest { PartnershipId = "written-on-one" });
        Assert.Equal("Written On One", read.Partnership.Profile.DisplayName);
    }

    [Fact]
    public async Task TokenCommands_OnAClusterStore_AreRefused_PointingToAdminService()
    {
        var cli = new InProcessCli(_dir.Path, new Dictionary<string, string?> { ["STRIVE_AZURE_STORAGE"] = "UseDevelopmentStorage=true" });

        Assert.Equal(1, await cli.RunAsync("tokens", "list", "--storage", "azure"));
        Assert.StartsWith("silo failed: token commands work on the embedded (sqlite) store only; the azure store is shared by a cluster", cli.Error.ToString(), StringComparison.Ordinal);
        Assert.Contains("AdminService", cli.Error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunningSilo_RefusesASecondSiloAndTokenCommandsOnItsStore()
    {
        var dataDir = _dir.Sub("data");
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir);
        var port = await silo.WaitForReadyAsync();
        var admin = silo.AdminToken();

        var (code, output, error) = await InProcessCli.RunFreshAsync(_dir.Path, "tokens", "issue", "--role", "viewer", "--data-dir", dataDir);
        Assert.Equal(1, code);
        Assert.Equal(string.Empty, output);
        Assert.StartsWith($"silo failed: another StriveNetwork process is using the store in {dataDir}", error, StringComparison.Ordinal);

        await using (var second = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir))
        {
            Assert.Equal(1, await second.WaitForExitAsync(TimeSpan.FromSeconds(60)));
            Assert.Contains(second.StderrLines, l => l.StartsWith("silo failed: another StriveNetwork process is using the store", StringComparison.Ordinal));
            Assert.DoesNotContain(second.StdoutLines, l => l.Contains("admin token", StringComparison.Ordinal));
        }

        // The first silo is untouched and still the only writer.
        using var client = new StriveClient(port);
        Assert.Equal(0, (await client.RollupAsync(admin)).Rollup.PartnershipCount);
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Equal(0, (await InProcessCli.RunFreshAsync(_dir.Path, "tokens", "list", "--data-dir", dataDir)).Code);
    }

    private static async Task<string> CreateDatabaseAsync(string server)
    {
        var name = "strive_lock_" + Guid.NewGuid().ToString("N");
        await using (var connection = new NpgsqlConnection(server))
        {
            await connection.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE {name}", connection);
            await create.ExecuteNonQueryAsync();
        }

        return new NpgsqlConnectionStringBuilder(server) { Database = name }.ConnectionString;
    }
}
