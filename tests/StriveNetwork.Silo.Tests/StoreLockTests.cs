using Npgsql;

namespace StriveNetwork.Silo.Tests;

/// <summary>One process per store: a second silo or a token command beside a running silo is refused, clearly.</summary>
public sealed class StoreLockTests : IDisposable
{
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Sqlite_SecondHolderIsRefusedUntilTheFirstLetsGo()
    {
        var options = new SiloOptions { DataDir = _dir.Sub("data") };
        var other = new SiloOptions { DataDir = _dir.Sub("other") };

        await using (await StoreLock.AcquireAsync(options))
        {
            var refused = await Assert.ThrowsAsync<StoreInUseException>(() => StoreLock.AcquireAsync(options));
            Assert.Contains($"another StriveNetwork process is using the store in {Path.GetFullPath(options.DataDir)}", refused.Message, StringComparison.Ordinal);
            await using (await StoreLock.AcquireAsync(other))
            {
                // A different data directory is a different store.
            }
        }

        await using (await StoreLock.AcquireAsync(options))
        {
            // Released on dispose.
        }
    }

    [Fact]
    public async Task Postgres_SecondHolderOfTheSameDatabaseIsRefused_OtherDatabasesAreNot()
    {
        var server = Environment.GetEnvironmentVariable("STRIVE_TEST_POSTGRES");
        Assert.False(string.IsNullOrEmpty(server), "STRIVE_TEST_POSTGRES is not set: scripts/test.sh exports the connection string of the test PostgreSQL server");
        var first = await CreateDatabaseAsync(server);
        var second = await CreateDatabaseAsync(server);
        var options = new SiloOptions { Storage = "postgres", Postgres = first };

        await using (await StoreLock.AcquireAsync(options))
        {
            var refused = await Assert.ThrowsAsync<StoreInUseException>(() => StoreLock.AcquireAsync(options));
            Assert.Contains("another StriveNetwork process is using database", refused.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("Password", refused.Message, StringComparison.OrdinalIgnoreCase);
            await using (await StoreLock.AcquireAsync(new SiloOptions { Storage = "postgres", Postgres = second }))
            {
                // Advisory locks are per database.
            }
        }

        await using (await StoreLock.AcquireAsync(options))
        {
            // The lock went with its connection.
        }
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
