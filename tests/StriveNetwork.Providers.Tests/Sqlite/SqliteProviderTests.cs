using System.Globalization;
using Microsoft.Data.Sqlite;
using Orleans.Storage;
using StriveNetwork.Providers.Sqlite;
using StriveNetwork.Providers.Tests.OldRuntime;

namespace StriveNetwork.Providers.Tests.Sqlite;

/// <summary>
/// SQLite-specific behaviour: schema scripts and upgrade from the old runtime's files, writers in two processes, a file
/// shared by storage and reminders, full and unavailable stores, options.
/// </summary>
public sealed class SqliteProviderTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly List<IDisposable> _owned = [];

    public void Dispose()
    {
        foreach (var owned in _owned)
        {
            owned.Dispose();
        }

        _folder.Dispose();
    }

    [Fact]
    public async Task Initialize_AppliesEachScriptOnce_InWalMode_AndIsIdempotent()
    {
        var path = _folder.File("db.sqlite");
        var storage = Storage(path);
        await storage.InitializeAsync();
        await storage.InitializeAsync();
        storage.Dispose();
        // A second opening (new process, after the first closed) finds everything applied.
        await Storage(path).InitializeAsync();

        Assert.Equal("wal", await ScalarAsync<string>(path, "PRAGMA journal_mode"));
        Assert.Equal("1:initial,2:reminders", await ScalarAsync<string>(path, "SELECT group_concat(version || ':' || name, ',') FROM (SELECT * FROM schema_version ORDER BY version)"));
        Assert.Equal(
            "grain_state,reminder,schema_version",
            await ScalarAsync<string>(path, "SELECT group_concat(name, ',') FROM (SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name)"));
    }

    [Fact]
    public async Task Initialize_OnAnOldRuntimeFile_AddsRemindersKeepsItsRowsAndLeavesTheStreamTables()
    {
        var path = _folder.File("old.sqlite");
        await ExecuteAsync(
            path,
            OldRuntimeScripts.Sqlite +
            "; CREATE TABLE schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL);" +
            " INSERT INTO schema_version VALUES (1, 'initial', 0);" +
            " INSERT INTO grain_state VALUES ('partnership', 'p-1', 'state', '{\"count\":7,\"name\":\"old\",\"tags\":[],\"scores\":{}}', 1, 3, 1, 0);" +
            " INSERT INTO stream_event (stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at)" +
            " VALUES ('ns', 'k', 'partnership', 'p-1', 1, 't', '{}', 0);");

        var storage = Storage(path);
        var state = new GrainState<Doc>();
        await storage.ReadStateAsync("state", GrainId.Create("partnership", "p-1"), state);

        Assert.True(state.RecordExists);
        Assert.Equal("3", state.ETag);
        Assert.Equal(7, state.State!.Count);
        Assert.Equal("old", state.State.Name);
        Assert.Equal(2L, await ScalarAsync<long>(path, "SELECT max(version) FROM schema_version"));
        // The old stream log stays as it was: undelivered events are not dropped by an upgrade.
        Assert.Equal(1L, await ScalarAsync<long>(path, "SELECT count(*) FROM stream_event"));
    }

    [Fact]
    public async Task Initialize_FileNewerThanBuild_FailsNamingTheVersions()
    {
        var path = _folder.File("db.sqlite");
        var storage = Storage(path);
        await storage.InitializeAsync();
        storage.Dispose();
        await ExecuteAsync(path, "INSERT INTO schema_version VALUES (42, 'future', 0)");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Storage(path).InitializeAsync());

        Assert.Contains("42", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TwoProcessesWritingOneKeyWithOneETag_ExactlyOneWinsEachRound()
    {
        // Each storage has its own writer connection, as two processes would: only SQLite's file lock
        // (BEGIN IMMEDIATE + busy timeout) keeps each ETag check and its write together.
        var path = _folder.File("shared.sqlite");
        var a = SqliteGrainStorage.CreateWithPrivateWriter("a", new SqliteGrainStorageOptions { FilePath = path });
        var b = SqliteGrainStorage.CreateWithPrivateWriter("b", new SqliteGrainStorageOptions { FilePath = path });
        _owned.Add(a);
        _owned.Add(b);
        await a.InitializeAsync();
        await b.InitializeAsync();
        var grain = GrainId.Create("t", "k");
        string? etag = null;
        for (var round = 0; round < 10; round++)
        {
            var expected = etag;
            var results = await Task.WhenAll(new[] { a, b, a, b }.Select((storage, i) => Task.Run(async () =>
            {
                var state = new GrainState<Doc>(new Doc { Count = (round * 10) + i }, expected!);
                try
                {
                    await storage.WriteStateAsync("s", grain, state);
                    return state.ETag;
                }
                catch (InconsistentStateException)
                {
                    return null;
                }
            })));

            etag = Assert.Single(results, r => r is not null);
        }

        Assert.Equal("10", etag);
    }

    [Fact]
    public async Task StorageAndRemindersSharingOneFile_WriteConcurrentlyWithoutBusyErrors()
    {
        var path = _folder.File("one.sqlite");
        var storage = Storage(path);
        var reminders = new SqliteReminderTable("svc", new SqliteReminderTableOptions { FilePath = path, BusyTimeout = TimeSpan.FromMilliseconds(200) });
        _owned.Add(reminders);

        await Task.WhenAll(
            Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    var state = new GrainState<Doc>(new Doc { Count = i });
                    await storage.WriteStateAsync("s", GrainId.Create("t", $"k{i}"), state);
                }
            }),
            Task.Run(async () =>
            {
                for (var i = 0; i < 100; i++)
                {
                    await reminders.UpsertRow(new ReminderEntry { GrainId = GrainId.Create("t", $"k{i}"), ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) });
                }
            }));

        Assert.Same(storage.Database, reminders.Database);
        Assert.Equal(100L, await ScalarAsync<long>(path, "SELECT count(*) FROM grain_state"));
        Assert.Equal(100L, await ScalarAsync<long>(path, "SELECT count(*) FROM reminder"));
        // One user closing leaves the other working on the shared writer.
        storage.Dispose();
        Assert.Equal("2", await reminders.UpsertRow(new ReminderEntry { GrainId = GrainId.Create("t", "k1"), ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) }));
    }

    [Fact]
    public async Task FullDatabase_ThrowsGrainStorageFull_NamingStoreAndStateButNotPayload_AndKeepsTheStoredState()
    {
        var path = _folder.File("full.sqlite");
        var storage = Storage(path);
        var grain = GrainId.Create("t", "k");
        var state = new GrainState<Doc>(new Doc { Count = 1 });
        await storage.WriteStateAsync("s", grain, state);
        // Cap the file at its current size (a per-connection limit on the writer): the next growth is SQLITE_FULL,
        // exactly as a full disk reports it.
        await storage.Database.ExecuteOnWriterAsync("PRAGMA max_page_count = " +
            Convert.ToString(await storage.Database.ExecuteOnWriterAsync("PRAGMA page_count"), CultureInfo.InvariantCulture));
        var big = new GrainState<Doc>(new Doc { Name = "payload-marker-" + new string('x', 256 * 1024) }, state.ETag!);

        var ex = await Assert.ThrowsAsync<GrainStorageFullException>(() => storage.WriteStateAsync("s", grain, big));

        Assert.Contains("SQLite grain storage 'sqlite-test'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("t/k/s", ex.Message, StringComparison.Ordinal);
        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("payload-marker", ex.ToString(), StringComparison.Ordinal);
        // The driver's message and code, not the driver exception (it could not cross a grain call).
        Assert.Contains("SQLite Error 13", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
        var read = new GrainState<Doc>();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal(state.ETag, read.ETag);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task FileThatCannotBeCreated_FailsWithGrainStorageUnavailable_NamingTheFile()
    {
        var blocker = _folder.File("not-a-folder");
        await File.WriteAllTextAsync(blocker, "x");
        var path = Path.Combine(blocker, "db.sqlite");
        var storage = Storage(path);

        var ex = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => storage.InitializeAsync());

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
        Assert.Contains("opening the store", ex.Message, StringComparison.Ordinal);
        // Operations report it the same way, and retry the opening each time.
        await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => storage.ReadStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>()));
    }

    [Fact]
    public async Task FileThatIsNotADatabase_FailsWithGrainStorageUnavailable()
    {
        var path = _folder.File("garbage.sqlite");
        await File.WriteAllTextAsync(path, new string('x', 8192));

        var ex = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => Storage(path).InitializeAsync());

        Assert.Contains(path, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WriteLockHeldByAnotherProcessBeyondBusyTimeout_ThrowsGrainStorageUnavailable()
    {
        var path = _folder.File("locked.sqlite");
        var storage = Storage(path, o => o.BusyTimeout = TimeSpan.FromMilliseconds(300));
        await storage.InitializeAsync();
        await using var other = new SqliteConnection($"Data Source={path};Pooling=false");
        await other.OpenAsync();
        await using var transaction = (SqliteTransaction)await other.BeginTransactionAsync();
        await using (var write = other.CreateCommand())
        {
            write.Transaction = transaction;
            write.CommandText = "INSERT INTO grain_state VALUES ('x', 'y', 'z', '{}', 1, 1, 1, 0)";
            await write.ExecuteNonQueryAsync();
        }

        var ex = await Assert.ThrowsAsync<GrainStorageUnavailableException>(
            () => storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc())));

        Assert.Contains("locked", ex.Message, StringComparison.OrdinalIgnoreCase);
        await transaction.RollbackAsync();
        await storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc()));
    }

    [Theory]
    [InlineData(true, 2L)]
    [InlineData(false, 1L)]
    public async Task DurableCommits_SetsSynchronousOnTheWriter(bool durable, long expected)
    {
        var storage = Storage(_folder.File($"sync-{durable}.sqlite"), o => o.DurableCommits = durable);

        Assert.Equal(expected, await storage.Database.ExecuteOnWriterAsync("PRAGMA synchronous"));
    }

    [Fact]
    public async Task TheWriter_KeepsA64MiBPageCache_AndCheckpointsEvery10000Pages()
    {
        var storage = Storage(_folder.File("cache.sqlite"));

        // A negative cache_size is KiB; the defaults would be -2000 and 1000.
        Assert.Equal(-65536L, await storage.Database.ExecuteOnWriterAsync("PRAGMA cache_size"));
        Assert.Equal(10000L, await storage.Database.ExecuteOnWriterAsync("PRAGMA wal_autocheckpoint"));
    }

    [Fact]
    public async Task Payload_IsStoredAsText_ByteForByteTheSerializersJson_AndQueryableAsJson()
    {
        var path = _folder.File("payload.sqlite");
        var storage = Storage(path);
        // Non-ASCII text and characters the serializer escapes: the bytes are bound as a blob and cast to TEXT, so
        // what is stored must still be the same UTF-8 text.
        var doc = new Doc { Count = 3, Name = "Señora Núñez — 東京 \"quoted\" <b>", Tags = ["ü"], Scores = new() { ["ö"] = 1 } };
        await storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(doc));

        Assert.Equal("text", await ScalarAsync<string>(path, "SELECT typeof(payload) FROM grain_state"));
        var expected = StateJsonSerializer.Default.Serialize(doc).ToArray();
        Assert.Equal(expected, System.Text.Encoding.UTF8.GetBytes(await ScalarAsync<string>(path, "SELECT payload FROM grain_state")));
        Assert.Equal(doc.Name, await ScalarAsync<string>(path, "SELECT json_extract(payload, '$.name') FROM grain_state"));

        var read = new GrainState<Doc>();
        await storage.ReadStateAsync("s", GrainId.Create("t", "k"), read);
        Assert.Equal(doc.Name, read.State?.Name);
    }

    [Fact]
    public async Task AfterEveryUserDisposed_TheFileIsReleased()
    {
        var path = _folder.File("released.sqlite");
        var storage = Storage(path);
        await storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc()));
        storage.Dispose();
        storage.Dispose();

        File.Move(path, path + ".moved");
        File.Delete(path + "-wal");
        File.Delete(path + "-shm");

        Assert.Equal(1L, await ScalarAsync<long>(path + ".moved", "SELECT count(*) FROM grain_state"));
        await Assert.ThrowsAsync<ObjectDisposedException>(() => storage.ReadStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>()));
    }

    [Theory]
    [InlineData("", 10, "FilePath is required")]
    [InlineData("  ", 10, "FilePath is required")]
    [InlineData(":memory:", 10, "FilePath")]
    [InlineData("a.db;Mode=Memory", 10, "FilePath")]
    [InlineData("file:a.db?mode=memory", 10, "FilePath")]
    [InlineData("a.db", 0, "BusyTimeout")]
    [InlineData("a.db", -1, "BusyTimeout")]
    [InlineData("a.db", 3600, "BusyTimeout")]
    public void Options_Invalid_FailValidationNamingTheOption(string filePath, int busySeconds, string expected)
    {
        var storageOptions = new SqliteGrainStorageOptions { FilePath = filePath, BusyTimeout = TimeSpan.FromSeconds(busySeconds) };
        var reminderOptions = new SqliteReminderTableOptions { FilePath = filePath, BusyTimeout = TimeSpan.FromSeconds(busySeconds) };

        var silo = Assert.Throws<OrleansConfigurationException>(() => new SqliteGrainStorageOptionsValidator(storageOptions, "main").ValidateConfiguration());
        Assert.Contains("SqliteGrainStorageOptions." + expected, silo.Message, StringComparison.Ordinal);
        Assert.Contains("'main'", silo.Message, StringComparison.Ordinal);
        Assert.Contains(expected, Assert.Throws<ArgumentException>(() => new SqliteGrainStorage("main", storageOptions)).Message, StringComparison.Ordinal);
        var reminders = Assert.Throws<OrleansConfigurationException>(
            () => new SqliteReminderTableOptionsValidator(Microsoft.Extensions.Options.Options.Create(reminderOptions)).ValidateConfiguration());
        Assert.Contains("SqliteReminderTableOptions." + expected, reminders.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Options_Valid_PassValidation()
    {
        new SqliteGrainStorageOptionsValidator(new SqliteGrainStorageOptions { FilePath = "data/strive.db" }, "main").ValidateConfiguration();
        Assert.Throws<OrleansConfigurationException>(
            () => new SqliteGrainStorageOptionsValidator(new SqliteGrainStorageOptions { FilePath = "a.db", GrainStorageSerializer = null! }, "main").ValidateConfiguration());
    }

    private static async Task ExecuteAsync(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<T> ScalarAsync<T>(string path, string sql)
    {
        await using var connection = new SqliteConnection($"Data Source={path};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private SqliteGrainStorage Storage(string path, Action<SqliteGrainStorageOptions>? configure = null)
    {
        var options = new SqliteGrainStorageOptions { FilePath = path };
        configure?.Invoke(options);
        var storage = new SqliteGrainStorage("sqlite-test", options);
        _owned.Add(storage);
        return storage;
    }
}
