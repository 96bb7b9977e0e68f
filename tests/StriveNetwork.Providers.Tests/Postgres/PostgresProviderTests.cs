using System.Net.Sockets;
using Npgsql;
using NpgsqlTypes;
using Orleans.Storage;
using StriveNetwork.Providers.Postgres;
using StriveNetwork.Providers.Tests.OldRuntime;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>
/// PostgreSQL-specific behaviour: schema scripts (concurrent, idempotent, upgrade from the old runtime's schemas),
/// writers on separate pools, the payload as lz4-compressed text (and its conversion from jsonb), full and unreachable databases, least privilege, options.
/// </summary>
public sealed class PostgresProviderTests : IAsyncLifetime
{
    private const string Password = "hunter2-not-a-real-password";
    private readonly List<string> _schemas = [];
    private readonly List<IAsyncDisposable> _owned = [];

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        foreach (var schema in _schemas)
        {
            await TestPostgres.DropSchemaAsync(schema);
        }
    }

    [Fact]
    public async Task Initialize_AppliesEachScriptOnce_AndIsIdempotent()
    {
        var schema = NewSchema();
        await Storage(schema).InitializeAsync();
        await Storage(schema).InitializeAsync();
        await Reminders(schema).StartAsync(CancellationToken.None);

        Assert.Equal(
            "1:initial,2:reminders,3:membership,4:payload_text",
            await TestPostgres.ScalarAsync<string>($"SELECT string_agg(version || ':' || name, ',' ORDER BY version) FROM \"{schema}\".schema_version"));
        Assert.Equal(
            "grain_state,membership,membership_version,reminder,schema_version",
            await TestPostgres.ScalarAsync<string>($"SELECT string_agg(tablename, ',' ORDER BY tablename) FROM pg_tables WHERE schemaname = '{schema}'"));
    }

    [Fact]
    public async Task ConcurrentInitialize_OnAFreshSchema_AppliesEachScriptOnce()
    {
        var schema = NewSchema();
        var storages = Enumerable.Range(0, 4).Select(_ => Storage(schema)).ToArray();
        var tables = Enumerable.Range(0, 2).Select(_ => Reminders(schema)).ToArray();

        await Task.WhenAll(
            storages.Select(s => Task.Run(() => s.InitializeAsync()))
                .Concat(tables.Select(t => Task.Run(() => t.StartAsync(CancellationToken.None)))));

        Assert.Equal(4L, await TestPostgres.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".schema_version"));
        await storages[0].WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc { Count = 1 }));
        var read = new GrainState<Doc>();
        await storages[3].ReadStateAsync("s", GrainId.Create("t", "k"), read);
        Assert.Equal(1, read.State!.Count);
    }

    [Fact]
    public async Task Initialize_OnAnOldRuntimeSchema_AddsRemindersAndMembershipKeepsItsRowsAndLeavesTheStreamTables()
    {
        var schema = NewSchema();
        await TestPostgres.ExecuteAsync(
            $"CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\"; " + OldRuntimeScripts.Postgres +
            "; CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);" +
            " INSERT INTO schema_version VALUES (1, 'initial', now());" +
            " INSERT INTO grain_state VALUES ('partnership', 'p-1', 'state', '{\"count\":7,\"name\":\"old\",\"tags\":[],\"scores\":{}}', 1, 3, true, now());" +
            " INSERT INTO stream_event (stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at)" +
            " VALUES ('ns', 'k', 'partnership', 'p-1', 1, 't', '{}', now());");

        var state = new GrainState<Doc>();
        await Storage(schema).ReadStateAsync("state", GrainId.Create("partnership", "p-1"), state);

        Assert.True(state.RecordExists);
        Assert.Equal("3", state.ETag);
        Assert.Equal("old", state.State!.Name);
        Assert.Equal(4, await TestPostgres.ScalarAsync<int>($"SELECT max(version) FROM \"{schema}\".schema_version"));
        // The old stream log stays as it was: undelivered events are not dropped by an upgrade.
        Assert.Equal(1L, await TestPostgres.ScalarAsync<long>($"SELECT count(*) FROM \"{schema}\".stream_event"));
    }

    [Fact]
    public async Task Initialize_SchemaNewerThanBuild_FailsNamingTheVersions()
    {
        var schema = NewSchema();
        await Storage(schema).InitializeAsync();
        await TestPostgres.ExecuteAsync($"INSERT INTO \"{schema}\".schema_version VALUES (99, 'future', now())");

        var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => Storage(schema).InitializeAsync());

        Assert.Contains("99", ex.Message, StringComparison.Ordinal);
        Assert.Contains(schema, ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WritersOnSeparatePools_OneKeyOneETag_ExactlyOneWinsEachRound()
    {
        var schema = NewSchema();
        var a = Storage(schema);
        var b = Storage(schema);
        await a.InitializeAsync();
        var grain = GrainId.Create("t", "k");
        string? etag = null;
        for (var round = 0; round < 10; round++)
        {
            var expected = etag;
            var results = await Task.WhenAll(new[] { a, b, a, b, a, b }.Select((storage, i) => Task.Run(async () =>
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
    public async Task Payload_IsTextCompressedWithLz4_AndQueryableAsJsonInSql()
    {
        var schema = NewSchema();
        await Storage(schema).WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc { Name = "findme", Count = 5 }));

        // Text (schema script 4): the server stores the JSON without parsing it; lz4 where the server has it (this
        // test server does: Debian's PostgreSQL is built with lz4).
        Assert.Equal("text", await TestPostgres.ScalarAsync<string>(
            $"SELECT data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'grain_state' AND column_name = 'payload'"));
        Assert.Equal("l", await TestPostgres.ScalarAsync<string>(
            $"SELECT a.attcompression::text FROM pg_attribute a WHERE a.attrelid = '\"{schema}\".grain_state'::regclass AND a.attname = 'payload'"));
        Assert.Equal(5, await TestPostgres.ScalarAsync<int>($"SELECT (payload::jsonb->>'count')::int FROM \"{schema}\".grain_state WHERE payload::jsonb->>'name' = 'findme'"));
    }

    [Fact]
    public async Task Initialize_OnAJsonbPayloadSchema_ConvertsItsRowsAndAnOldSilosJsonbWriteStillLands()
    {
        // A store whose payload is jsonb (the old runtime's script 1, as every store before script 4), with a row.
        var schema = NewSchema();
        await TestPostgres.ExecuteAsync(
            $"CREATE SCHEMA \"{schema}\"; SET search_path TO \"{schema}\"; " + OldRuntimeScripts.Postgres +
            "; CREATE TABLE schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);" +
            " INSERT INTO schema_version VALUES (1, 'initial', now());" +
            " INSERT INTO grain_state VALUES ('t', 'k', 's', '{\"count\":7,\"name\":\"jsonb\",\"tags\":[],\"scores\":{}}', 1, 2, true, now());");
        Assert.Equal("jsonb", await TestPostgres.ScalarAsync<string>(
            $"SELECT data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'grain_state' AND column_name = 'payload'"));

        var storage = Storage(schema);
        var state = new GrainState<Doc>();
        await storage.ReadStateAsync("s", GrainId.Create("t", "k"), state);

        Assert.Equal("text", await TestPostgres.ScalarAsync<string>(
            $"SELECT data_type FROM information_schema.columns WHERE table_schema = '{schema}' AND table_name = 'grain_state' AND column_name = 'payload'"));
        Assert.Equal("jsonb", state.State!.Name);
        Assert.Equal(7, state.State.Count);
        Assert.Equal("2", state.ETag);

        // A silo of the previous build (still running during a rolling upgrade) binds the payload as jsonb: PostgreSQL's
        // assignment cast stores it as text, and this build reads it.
        await using (var connection = new NpgsqlConnection(TestPostgres.ConnectionString))
        {
            await connection.OpenAsync();
            await using var update = new NpgsqlCommand(
                $"UPDATE \"{schema}\".grain_state SET payload = @p, version = version + 1 WHERE grain_type = 't' AND grain_key = 'k' AND state_name = 's' AND version = 2",
                connection);
            update.Parameters.Add(new NpgsqlParameter("p", NpgsqlDbType.Jsonb) { Value = "{\"count\":8,\"name\":\"old silo\",\"tags\":[],\"scores\":{}}" });
            Assert.Equal(1, await update.ExecuteNonQueryAsync());
        }

        var after = new GrainState<Doc>();
        await storage.ReadStateAsync("s", GrainId.Create("t", "k"), after);
        Assert.Equal("old silo", after.State!.Name);
        Assert.Equal(8, after.State.Count);
        Assert.Equal("3", after.ETag);
    }

    [Fact]
    public async Task DiskFull_ThrowsGrainStorageFull_AndKeepsTheStoredState()
    {
        var schema = NewSchema();
        var storage = Storage(schema);
        var grain = GrainId.Create("t", "k");
        var state = new GrainState<Doc>(new Doc { Count = 1 });
        await storage.WriteStateAsync("s", grain, state);
        // The server reports a full disk as SQLSTATE 53100; a trigger raises exactly that error from the server.
        await TestPostgres.ExecuteAsync(
            $"CREATE FUNCTION \"{schema}\".disk_full() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN " +
            "RAISE EXCEPTION 'could not extend file: No space left on device' USING ERRCODE = 'disk_full'; END $$; " +
            $"CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON \"{schema}\".grain_state FOR EACH ROW EXECUTE FUNCTION \"{schema}\".disk_full(); " +
            $"CREATE TRIGGER full_disk BEFORE INSERT OR UPDATE ON \"{schema}\".reminder FOR EACH ROW EXECUTE FUNCTION \"{schema}\".disk_full();");

        var ex = await Assert.ThrowsAsync<GrainStorageFullException>(
            () => storage.WriteStateAsync("s", grain, new GrainState<Doc>(new Doc { Name = "payload-marker" }, state.ETag!)));

        Assert.Contains("PostgreSQL grain storage 'postgres-test'", ex.Message, StringComparison.Ordinal);
        Assert.Contains("t/k/s", ex.Message, StringComparison.Ordinal);
        Assert.Contains(schema, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("payload-marker", ex.ToString(), StringComparison.Ordinal);
        // The driver's message and SQLSTATE, not the driver exception (Orleans has no codec for PostgresException).
        Assert.Contains("53100", ex.Message, StringComparison.Ordinal);
        Assert.Null(ex.InnerException);
        var read = new GrainState<Doc>();
        await storage.ReadStateAsync("s", grain, read);
        Assert.Equal(state.ETag, read.ETag);
        await Assert.ThrowsAsync<GrainStorageFullException>(() => Reminders(schema).UpsertRow(
            new ReminderEntry { GrainId = grain, ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) }));
    }

    [Fact]
    public async Task UnreachableServer_FailsWithGrainStorageUnavailable_NamingHostAndPortButNotThePassword()
    {
        var connectionString = $"Host=127.0.0.1;Port={ClosedPort()};Username=strive;Password={Password};Database=strivedb;Timeout=5";
        var storage = Track(new PostgresGrainStorage("main", new PostgresGrainStorageOptions { ConnectionString = connectionString }));
        var reminders = Track(new PostgresReminderTable("svc", new PostgresReminderTableOptions { ConnectionString = connectionString }));

        var ex = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => storage.InitializeAsync());
        var onRead = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => storage.ReadStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>()));
        var onReminders = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => reminders.StartAsync(CancellationToken.None));

        Assert.StartsWith("PostgreSQL grain storage 'main' (host 127.0.0.1, port ", ex.Message, StringComparison.Ordinal);
        Assert.Contains("database strivedb, user strive, schema strive) is unavailable: opening the store failed.", ex.Message, StringComparison.Ordinal);
        Assert.Contains("PostgreSQL reminder table (host 127.0.0.1", onReminders.Message, StringComparison.Ordinal);
        foreach (var failure in new Exception[] { ex, onRead, onReminders })
        {
            Assert.DoesNotContain(Password, failure.ToString(), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task MissingDatabase_FailsWithGrainStorageUnavailable_NamingIt()
    {
        var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..8], Password = Password };
        var storage = Track(new PostgresGrainStorage("main", new PostgresGrainStorageOptions { ConnectionString = builder.ConnectionString }));

        var ex = await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => storage.InitializeAsync());

        Assert.Contains(builder.Database!, ex.Message, StringComparison.Ordinal);
        Assert.Contains("3D000", ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, ex.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("53100", StoreFailureKind.Full)]
    [InlineData("53200", StoreFailureKind.Unavailable)]
    [InlineData("53300", StoreFailureKind.Unavailable)]
    [InlineData("08006", StoreFailureKind.Unavailable)]
    [InlineData("57P01", StoreFailureKind.Unavailable)]
    [InlineData("57P03", StoreFailureKind.Unavailable)]
    [InlineData("28P01", StoreFailureKind.Unavailable)]
    [InlineData("3D000", StoreFailureKind.Unavailable)]
    [InlineData("23505", StoreFailureKind.Error)]
    [InlineData("42P01", StoreFailureKind.Error)]
    public void Classify_MapsSqlStates(string sqlState, StoreFailureKind expected)
    {
        Assert.Equal(expected, PostgresFailures.Classify(new PostgresException("m", "ERROR", "ERROR", sqlState)));
    }

    [Fact]
    public void Classify_MapsConnectionFailures()
    {
        Assert.Equal(StoreFailureKind.Unavailable, PostgresFailures.Classify(new NpgsqlException("Failed to connect", new SocketException(111))));
        Assert.Equal(StoreFailureKind.Unavailable, PostgresFailures.Classify(new TimeoutException()));
        Assert.Equal(StoreFailureKind.None, PostgresFailures.Classify(new InvalidOperationException()));
        Assert.Equal(StoreFailureKind.None, PostgresFailures.Classify(new ArgumentException()));
    }

    /// <summary>An operator creates the schema and grants a role rights in it only (no CREATE on the database).</summary>
    [Fact]
    public async Task PreProvisionedSchema_WithALeastPrivilegeRole_Works()
    {
        var schema = NewSchema();
        var role = "r_" + Guid.NewGuid().ToString("N");
        await TestPostgres.ExecuteAsync(
            $"CREATE ROLE {role} LOGIN; CREATE SCHEMA \"{schema}\"; GRANT USAGE, CREATE ON SCHEMA \"{schema}\" TO {role}; " +
            $"REVOKE CREATE ON DATABASE postgres FROM {role}");
        try
        {
            var builder = new NpgsqlConnectionStringBuilder(TestPostgres.ConnectionString) { Username = role, Password = null, Pooling = false };
            var storage = Track(new PostgresGrainStorage("main", new PostgresGrainStorageOptions { ConnectionString = builder.ConnectionString, Schema = schema }));
            var reminders = Track(new PostgresReminderTable("svc", new PostgresReminderTableOptions { ConnectionString = builder.ConnectionString, Schema = schema }));

            await storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc()));
            Assert.Equal("1", await reminders.UpsertRow(new ReminderEntry { GrainId = GrainId.Create("t", "k"), ReminderName = "r", StartAt = DateTime.UtcNow, Period = TimeSpan.FromMinutes(1) }));
        }
        finally
        {
            await DisposeOwnedAsync();
            await TestPostgres.DropSchemaAsync(schema);
            await TestPostgres.ExecuteAsync($"DROP ROLE {role}");
        }
    }

    [Fact]
    public async Task CallerOwnedDataSource_IsUsedAndLeftOpen()
    {
        var schema = NewSchema();
        await using var dataSource = NpgsqlDataSource.Create(TestPostgres.ConnectionString);
        var storage = new PostgresGrainStorage("main", new PostgresGrainStorageOptions { DataSource = dataSource, Schema = schema });

        await storage.WriteStateAsync("s", GrainId.Create("t", "k"), new GrainState<Doc>(new Doc()));
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
    public void Options_BadSchema_FailValidationNamingTheOption(string schema)
    {
        var options = new PostgresGrainStorageOptions { ConnectionString = "Host=x", Schema = schema };

        var ex = Assert.Throws<OrleansConfigurationException>(() => new PostgresGrainStorageOptionsValidator(options, "main").ValidateConfiguration());

        Assert.Contains("PostgresGrainStorageOptions.Schema", ex.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentException>(() => new PostgresGrainStorage("main", options));
        Assert.Throws<ArgumentException>(() => new PostgresReminderTable("svc", new PostgresReminderTableOptions { ConnectionString = "Host=x", Schema = schema }));
    }

    [Fact]
    public void Options_NeedExactlyOneConnectionSource_AndAValidConnectionString()
    {
        using var dataSource = NpgsqlDataSource.Create("Host=localhost");

        Assert.Contains("exactly one of ConnectionString or DataSource", Fails(new PostgresGrainStorageOptions()), StringComparison.Ordinal);
        Assert.Contains("exactly one of ConnectionString or DataSource", Fails(new PostgresGrainStorageOptions { ConnectionString = "Host=x", DataSource = dataSource }), StringComparison.Ordinal);
        var bad = Fails(new PostgresGrainStorageOptions { ConnectionString = $"NotAKeyword=1;Password={Password}" });
        Assert.Contains("PostgresGrainStorageOptions.ConnectionString", bad, StringComparison.Ordinal);
        Assert.DoesNotContain(Password, bad, StringComparison.Ordinal);
        new PostgresGrainStorageOptionsValidator(new PostgresGrainStorageOptions { ConnectionString = "Host=x", Schema = "_ok_1" }, "main").ValidateConfiguration();
        new PostgresGrainStorageOptionsValidator(new PostgresGrainStorageOptions { DataSource = dataSource }, "main").ValidateConfiguration();

        static string Fails(PostgresGrainStorageOptions options) =>
            Assert.Throws<OrleansConfigurationException>(() => new PostgresGrainStorageOptionsValidator(options, "main").ValidateConfiguration()).Message;
    }

    private static int ClosedPort()
    {
        // A port that was free a moment ago: connecting to it is refused at once.
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return port;
    }

    private string NewSchema()
    {
        var schema = TestPostgres.NewSchemaName();
        _schemas.Add(schema);
        return schema;
    }

    private PostgresGrainStorage Storage(string schema) =>
        Track(new PostgresGrainStorage("postgres-test", new PostgresGrainStorageOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema }));

    private PostgresReminderTable Reminders(string schema) =>
        Track(new PostgresReminderTable("svc", new PostgresReminderTableOptions { ConnectionString = TestPostgres.ConnectionString, Schema = schema }));

    private T Track<T>(T owned)
        where T : IAsyncDisposable
    {
        _owned.Add(owned);
        return owned;
    }

    private async Task DisposeOwnedAsync()
    {
        foreach (var owned in _owned)
        {
            await owned.DisposeAsync();
        }

        _owned.Clear();
    }
}
