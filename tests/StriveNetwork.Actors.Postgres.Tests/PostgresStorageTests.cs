using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Npgsql;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Postgres.Tests;

/// <summary>PostgreSQL-specific behaviour: gap-safe positions under concurrency, concurrent migration, schema shape, options.</summary>
public sealed class PostgresStorageTests : IAsyncLifetime
{
    private readonly List<string> _schemas = [];
    private readonly List<PostgresGrainStorage> _storages = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var storage in _storages)
        {
            await storage.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task ConcurrentWritersAndReader_ReaderSeesEveryEventOnceInPositionOrder()
    {
        var storage = NewStorage(out _);
        await storage.InitializeAsync();
        const int Writers = 6;
        const int WritesPerWriter = 30;
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));

        var writers = Enumerable.Range(0, Writers).Select(w => Task.Run(async () =>
        {
            string? etag = null;
            for (var i = 0; i < WritesPerWriter; i++)
            {
                StreamEventDraft[] drafts = [new("gap", $"w{w}", "t", $$"""{"w":{{w}},"i":{{i}},"j":0}"""), new("gap", $"w{w}", "t", $$"""{"w":{{w}},"i":{{i}},"j":1}""")];
                if (i % 3 == 0)
                {
                    await storage.AppendAsync("appender", $"w{w}", drafts, timeout.Token);
                }
                else
                {
                    etag = await storage.WriteAsync(new GrainStateKey("writer", $"w{w}", "s"), $$"""{"i":{{i}}}""", 1, etag, drafts, timeout.Token);
                }
            }
        })).ToArray();
        var allWritten = Task.WhenAll(writers);

        var seen = new List<StreamEventRecord>();
        var cursor = 0L;
        var finalPass = false;
        for (var polls = 0; polls < 200_000; polls++)
        {
            var page = await storage.ReadAsync("gap", cursor, 7, timeout.Token);
            foreach (var e in page)
            {
                Assert.True(e.Position > cursor, $"Position {e.Position} after cursor {cursor}.");
                seen.Add(e);
                cursor = e.Position;
            }

            if (page.Count == 0)
            {
                if (finalPass)
                {
                    break;
                }

                if (allWritten.IsCompleted)
                {
                    // One more read after every writer has committed catches anything still unseen.
                    finalPass = true;
                }
                else
                {
                    await Task.WhenAny(allWritten, Task.Delay(1, timeout.Token));
                }
            }
        }

        await allWritten;
        Assert.True(finalPass, "The reader did not finish within its poll budget.");
        var everything = await storage.ReadAsync("gap", 0, 100_000);
        Assert.Equal(Writers * WritesPerWriter * 2, everything.Count);
        Assert.Equal(everything.Select(e => e.Position), seen.Select(e => e.Position));
        Assert.Equal(seen.Count, seen.Select(e => e.Position).Distinct().Count());

        // Per producer, position order is sequence order and sequences are 1..n without gaps.
        foreach (var producer in seen.GroupBy(e => (e.ProducerType, e.ProducerKey)))
        {
            Assert.Equal(Enumerable.Range(1, producer.Count()).Select(i => (long)i), producer.Select(e => e.ProducerSequence));
        }
    }

    /// <summary>
    /// The mechanism behind gap safety, checked deterministically (a stress test alone rarely hits the window
    /// between allocating a position and committing): while another transaction holds the log lock, an append
    /// waits on it before it allocates any position, so positions are allocated in commit order.
    /// </summary>
    [Fact]
    public async Task Append_WhileLogLockHeld_WaitsBeforeAllocatingPositions()
    {
        var storage = NewStorage(out var schema);
        await storage.AppendAsync("p", "1", [new StreamEventDraft("ns", "k", "t", "{}")]);
        var sequence = await TestPostgres.ScalarAsync<string>($"SELECT pg_get_serial_sequence('\"{schema}\".stream_event', 'position')");
        await using var holder = new NpgsqlConnection(TestPostgres.ConnectionString);
        await holder.OpenAsync();
        await using var transaction = await holder.BeginTransactionAsync();
        await using (var take = new NpgsqlCommand($"SELECT pg_advisory_xact_lock({storage.LogLockKey})", holder, transaction))
        {
            await take.ExecuteNonQueryAsync();
        }

        var append = storage.AppendAsync("p", "1", [new StreamEventDraft("ns", "k", "t", "{}")]).AsTask();
        var waiting = false;
        for (var poll = 0; poll < 2_000 && !waiting; poll++)
        {
            waiting = await TestPostgres.ScalarAsync<long>(
                "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted AND objsubid = 1 " +
                $"AND classid = {(uint)(storage.LogLockKey >> 32)} AND objid = {(uint)storage.LogLockKey}") > 0;
            if (!waiting)
            {
                await Task.WhenAny(append, Task.Delay(5));
            }
        }

        Assert.True(waiting, "The append never waited for the log lock.");
        Assert.False(append.IsCompleted);
        Assert.Equal(1L, await TestPostgres.ScalarAsync<long>($"SELECT last_value FROM {sequence}"));

        await transaction.CommitAsync();
        var positions = await append;
        Assert.Equal([2L], positions);
        Assert.Equal(2, await storage.GetHeadPositionAsync());
    }

    [Fact]
    public async Task ConcurrentInitialize_OnFreshSchema_AppliesEachScriptOnce()
    {
        var schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        var storages = Enumerable.Range(0, 4).Select(_ => Track(TestPostgres.Create(schema))).ToArray();

        await Task.WhenAll(storages.Select(s => Task.Run(async () => await s.InitializeAsync())));

        Assert.Equal(1L, await TestPostgres.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version"));
        Assert.Equal(1, await TestPostgres.ScalarAsync<int>($"SELECT max(version) FROM \"{schema}\".schema_version"));
        await storages[0].WriteAsync(new GrainStateKey("t", "k", "s"), "{}", 1, null, []);
        Assert.NotNull(await storages[3].ReadAsync(new GrainStateKey("t", "k", "s")));
    }

    /// <summary>An operator creates the schema and grants a role rights in it only (no CREATE on the database).</summary>
    [Fact]
    public async Task Initialize_PreProvisionedSchemaWithLeastPrivilegeRole_Works()
    {
        var schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        var role = "r_" + Guid.NewGuid().ToString("N");
        await TestPostgres.ScalarAsync<int>(
            $"CREATE ROLE {role} LOGIN; CREATE SCHEMA \"{schema}\"; GRANT USAGE, CREATE ON SCHEMA \"{schema}\" TO {role}; " +
            $"REVOKE CREATE ON DATABASE postgres FROM {role}; SELECT 1");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Username = role, Password = null, Pooling = false };
            var storage = Track(new PostgresGrainStorage(new PostgresGrainStorageOptions { ConnectionString = builder.ConnectionString, Schema = schema }));

            await storage.InitializeAsync();
            var etag = await storage.WriteAsync(new GrainStateKey("t", "k", "s"), "{}", 1, null, [new StreamEventDraft("ns", "k", "t", "{}")]);

            Assert.Equal("1", etag);
            Assert.Equal(1, await storage.GetHeadPositionAsync());
        }
        finally
        {
            await TestPostgres.DropSchemaAsync(schema);
            await TestPostgres.ScalarAsync<int>($"DROP OWNED BY {role}; DROP ROLE {role}; SELECT 1");
        }
    }

    [Fact]
    public async Task StateTable_HasUniqueIndexOnTypeKeyAndStateName()
    {
        var storage = NewStorage(out var schema);
        await storage.InitializeAsync();

        var definition = await TestPostgres.ScalarAsync<string>(
            $"SELECT indexdef FROM pg_indexes WHERE schemaname = '{schema}' AND tablename = 'grain_state' AND indexdef LIKE 'CREATE UNIQUE%'");

        Assert.Contains("(grain_type, grain_key, state_name)", definition, StringComparison.Ordinal);
    }

    [Fact]
    public async Task State_WrittenByOneInstance_IsSeenByAnotherWithSameETagRules()
    {
        var first = NewStorage(out var schema);
        var key = new GrainStateKey("t", "k", "s");
        var etag = await first.WriteAsync(key, """{"a":1}""", 3, null, [new("ns", "k", "t", "{}")]);

        var second = Track(TestPostgres.Create(schema));
        var read = await second.ReadAsync(key);

        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(3, read.SchemaVersion);
        await Assert.ThrowsAsync<InconsistentStateException>(() => second.WriteAsync(key, "{}", 3, null, []).AsTask());
        Assert.Equal(1, await second.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Initialize_SchemaNewerThanBuild_Throws()
    {
        var storage = NewStorage(out var schema);
        await storage.InitializeAsync();
        await TestPostgres.ScalarAsync<int>($"INSERT INTO \"{schema}\".schema_version VALUES (99, 'future', now()) RETURNING version");

        var newer = Track(TestPostgres.Create(schema));
        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => newer.InitializeAsync().AsTask());
        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WithCallerDataSource_UsesItAndLeavesItOpen()
    {
        var schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        await using var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        var storage = new PostgresGrainStorage(new PostgresGrainStorageOptions { DataSource = dataSource, Schema = schema });

        await storage.WriteAsync(new GrainStateKey("t", "k", "s"), "{}", 1, null, []);
        await storage.DisposeAsync();

        await using var command = dataSource.CreateCommand($"SELECT count(*) FROM \"{schema}\".grain_state");
        Assert.Equal(1L, await command.ExecuteScalarAsync());
    }

    [Theory]
    [InlineData("")]
    [InlineData("Upper")]
    [InlineData("a-b")]
    [InlineData("x\";drop schema public;--")]
    [InlineData("1abc")]
    [InlineData("abc\n")]
    [InlineData("a234567890123456789012345678901234567890123456789012345678901234")]
    public void Options_BadSchema_FailValidation(string schema)
    {
        var result = new PostgresGrainStorageOptionsValidator().Validate(null, new PostgresGrainStorageOptions { ConnectionString = "Host=x", Schema = schema });
        Assert.True(result.Failed);
        Assert.Throws<ArgumentException>(() => new PostgresGrainStorage(new PostgresGrainStorageOptions { ConnectionString = "Host=x", Schema = schema }));
    }

    [Fact]
    public void Options_NeedExactlyOneConnectionSource()
    {
        var validator = new PostgresGrainStorageOptionsValidator();
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");
        Assert.True(validator.Validate(null, new PostgresGrainStorageOptions()).Failed);
        Assert.True(validator.Validate(null, new PostgresGrainStorageOptions { ConnectionString = "Host=x", DataSource = dataSource }).Failed);
        Assert.True(validator.Validate(null, new PostgresGrainStorageOptions { ConnectionString = "NotAKeyword=1" }).Failed);
        Assert.True(validator.Validate(null, new PostgresGrainStorageOptions { ConnectionString = "Host=x", Schema = "_ok_1" }).Succeeded);
        Assert.True(validator.Validate(null, new PostgresGrainStorageOptions { DataSource = dataSource }).Succeeded);
    }

    [Fact]
    public async Task AddPostgresGrainStorage_RegistersOneInstanceForStateAndStreams()
    {
        var schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        var services = new ServiceCollection().AddPostgresGrainStorage(o =>
        {
            o.ConnectionString = TestPostgres.ConnectionString;
            o.Schema = schema;
        });
        await using var provider = services.BuildServiceProvider();

        provider.GetRequiredService<IStartupValidator>().Validate();
        var storage = provider.GetRequiredService<IGrainStorage>();
        Assert.Same(storage, provider.GetRequiredService<IStreamLog>());
        Assert.Same(storage, provider.GetRequiredService<PostgresGrainStorage>());
        Assert.Equal("postgres", storage.Name);
        await storage.InitializeAsync();
    }

    [Fact]
    public async Task AddPostgresGrainStorage_BadOptions_FailStartupValidation()
    {
        var services = new ServiceCollection().AddPostgresGrainStorage(o => o.Schema = "Bad-Schema");
        await using var provider = services.BuildServiceProvider();

        var ex = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IStartupValidator>().Validate());
        Assert.Contains(ex.Failures, f => f.Contains("Schema", StringComparison.Ordinal));
        Assert.Contains(ex.Failures, f => f.Contains("ConnectionString", StringComparison.Ordinal));
    }

    private PostgresGrainStorage NewStorage(out string schema)
    {
        schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        return Track(TestPostgres.Create(schema));
    }

    private PostgresGrainStorage Track(PostgresGrainStorage storage)
    {
        _storages.Add(storage);
        return storage;
    }
}
