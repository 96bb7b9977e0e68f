using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite.Tests;

/// <summary>SQLite-specific behaviour: durability across instances, WAL, two writers on one file, schema scripts, options.</summary>
public sealed class SqliteStorageTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<SqliteGrainStorage> _storages = [];

    public void Dispose()
    {
        foreach (var storage in _storages)
        {
            storage.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task StateAndEvents_SurviveDisposeAndReopen()
    {
        var key = new GrainStateKey("t", "k", "s");
        var first = Open("db.sqlite");
        var etag = await first.WriteAsync(key, """{"a":1}""", 2, null, [new("ns", "k", "t", """{"e":1}""")]);
        await first.SaveCheckpointAsync("sub", 1);
        first.Dispose();

        var second = Open("db.sqlite");
        var read = await second.ReadAsync(key);

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal("""{"a":1}""", read.Json);
        Assert.Equal(2, read.SchemaVersion);
        Assert.Equal(1, await second.GetCheckpointAsync("sub"));
        var e = Assert.Single(await second.ReadAsync("ns", 0, 10));
        Assert.Equal(1, e.ProducerSequence);
        // Sequences continue after reopen.
        await second.WriteAsync(key, "{}", 2, etag, [new("ns", "k", "t", "{}")]);
        Assert.Equal([1L, 2], (await second.ReadAsync("ns", 0, 10)).Select(x => x.ProducerSequence));
    }

    [Fact]
    public async Task Initialize_UsesWalAndRecordsSchemaVersionOnce()
    {
        var storage = Open("db.sqlite");
        await storage.InitializeAsync();
        var again = Open("db.sqlite");
        await again.InitializeAsync();

        await using var connection = new SqliteConnection($"Data Source={storage.FilePath}");
        await connection.OpenAsync();
        await using var mode = connection.CreateCommand();
        mode.CommandText = "PRAGMA journal_mode";
        Assert.Equal("wal", await mode.ExecuteScalarAsync());
        await using var versions = connection.CreateCommand();
        versions.CommandText = "SELECT count(*) || ':' || max(version) FROM schema_version";
        Assert.Equal("1:1", await versions.ExecuteScalarAsync());
        SqliteConnection.ClearPool(connection);
    }

    [Fact]
    public async Task Initialize_FileNewerThanBuild_Throws()
    {
        var storage = Open("db.sqlite");
        await storage.InitializeAsync();
        await using (var connection = new SqliteConnection($"Data Source={storage.FilePath};Pooling=false"))
        {
            await connection.OpenAsync();
            await using var insert = connection.CreateCommand();
            insert.CommandText = "INSERT INTO schema_version VALUES (42, 'future', 0)";
            await insert.ExecuteNonQueryAsync();
        }

        var newer = Open("db.sqlite");
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync().AsTask());
        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoInstancesOnOneFile_ConcurrentWritersOnOneKey_ExactlyOneWinsPerETag()
    {
        // Two instances behave like two processes: each has its own writer connection and semaphore, so only
        // SQLite's file lock (BEGIN IMMEDIATE + busy timeout) keeps the ETag check and the write together.
        var a = Open("shared.sqlite");
        var b = Open("shared.sqlite");
        await a.InitializeAsync();
        await b.InitializeAsync();
        var key = new GrainStateKey("t", "k", "s");
        string? etag = null;
        for (var round = 0; round < 10; round++)
        {
            var expected = etag;
            var attempts = new[] { a, b, a, b }.Select((s, i) => Task.Run(async () =>
            {
                try
                {
                    return await s.WriteAsync(key, $$"""{"r":{{round}},"w":{{i}}}""", 1, expected, [new("ns", "k", "t", "{}")]);
                }
                catch (InconsistentStateException)
                {
                    return null;
                }
            }));
            var results = await Task.WhenAll(attempts);
            etag = Assert.Single(results, r => r is not null);
        }

        var events = await b.ReadAsync("ns", 0, 100);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => (long)i), events.Select(e => e.ProducerSequence));
    }

    [Fact]
    public async Task Initialize_CreatesMissingFolder()
    {
        var storage = Open(Path.Combine("nested", "deeper", "db.sqlite"));
        await storage.InitializeAsync();
        Assert.True(File.Exists(storage.FilePath));
    }

    [Theory]
    [InlineData("", 10)]
    [InlineData("  ", 10)]
    [InlineData(":memory:", 10)]
    [InlineData("a.db;Mode=Memory", 10)]
    [InlineData("a.db", 0)]
    [InlineData("a.db", -1)]
    public void Options_Invalid_FailValidation(string filePath, int busySeconds)
    {
        var options = new SqliteGrainStorageOptions { FilePath = filePath, BusyTimeout = TimeSpan.FromSeconds(busySeconds) };
        Assert.True(new SqliteGrainStorageOptionsValidator().Validate(null, options).Failed);
        Assert.Throws<ArgumentException>(() => new SqliteGrainStorage(options));
    }

    [Fact]
    public async Task AddSqliteGrainStorage_RegistersOneInstanceForStateAndStreams()
    {
        var path = _folder.File("di.sqlite");
        var services = new ServiceCollection().AddSqliteGrainStorage(o => o.FilePath = path);
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var storage = provider.GetRequiredService<IGrainStorage>();
        Assert.Same(storage, provider.GetRequiredService<IStreamLog>());
        Assert.Equal("sqlite", storage.Name);
        await storage.WriteAsync(new GrainStateKey("t", "k", "s"), "{}", 1, null, []);
        Assert.True(File.Exists(path));
    }

    [Fact]
    public async Task AddSqliteGrainStorage_MissingPath_FailsStartupValidation()
    {
        var services = new ServiceCollection().AddSqliteGrainStorage(_ => { });
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.Contains("FilePath", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Disposed_OperationsThrow()
    {
        var storage = Open("db.sqlite");
        await storage.InitializeAsync();
        storage.Dispose();

        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.WriteAsync(new GrainStateKey("t", "k", "s"), "{}", 1, null, []).AsTask());
    }

    private SqliteGrainStorage Open(string relativePath)
    {
        var storage = new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = _folder.File(relativePath) });
        _storages.Add(storage);
        return storage;
    }
}
