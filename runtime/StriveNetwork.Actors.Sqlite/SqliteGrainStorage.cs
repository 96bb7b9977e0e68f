using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Sqlite;

/// <summary>
/// Grain storage and stream log in one SQLite file. SQLite has a single writer, so all writes go through one
/// long-lived connection serialized by a semaphore, each in a <c>BEGIN IMMEDIATE</c> transaction (which also
/// serializes against other processes on the same file, with the busy timeout). Reads use pooled connections
/// and, in WAL mode, never wait for the writer. A state write and its events commit in one transaction.
/// </summary>
public sealed partial class SqliteGrainStorage : IGrainStorage, IStreamLog, IAsyncDisposable, IDisposable
{
    private readonly SqliteGrainStorageOptions _options;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private SqliteConnection? _writer;
    private volatile bool _initialized;
    private bool _disposed;

    /// <summary>Creates the provider; the file and schema are created by <see cref="InitializeAsync"/> (or on first use).</summary>
    public SqliteGrainStorage(SqliteGrainStorageOptions options, TimeProvider? timeProvider = null, ILogger<SqliteGrainStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new SqliteGrainStorageOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Path.GetFullPath(options.FilePath),
            Mode = SqliteOpenMode.ReadWriteCreate,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: this is the busy timeout.
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>Full path of the database file.</summary>
    public string FilePath => Path.GetFullPath(_options.FilePath);

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_initialized)
            {
                return;
            }

            var folder = Path.GetDirectoryName(FilePath);
            if (!string.IsNullOrEmpty(folder))
            {
                Directory.CreateDirectory(folder);
            }

            var writer = new SqliteConnection(_connectionString);
            try
            {
                await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
                using (var pragma = writer.CreateCommand())
                {
                    // journal_mode is persistent in the file; synchronous and busy_timeout are per connection.
                    pragma.CommandText =
                        $"PRAGMA journal_mode=WAL; PRAGMA synchronous={(_options.DurableCommits ? "FULL" : "NORMAL")}; " +
                        $"PRAGMA busy_timeout={(int)_options.BusyTimeout.TotalMilliseconds};";
                    await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
                }

                await MigrateAsync(writer, cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await writer.DisposeAsync().ConfigureAwait(false);
                throw;
            }

            _writer = writer;
            _initialized = true;
        }
        finally
        {
            _initGate.Release();
        }
    }

    /// <inheritdoc />
    public async ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT payload, schema_version, version, record_exists FROM grain_state " +
            "WHERE grain_type = $type AND grain_key = $key AND state_name = $state";
        AddKey(command, key);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredGrainState(
            reader.GetString(0),
            reader.GetInt32(1),
            StorageArguments.FormatETag(reader.GetInt64(2)),
            reader.GetInt64(3) != 0);
    }

    /// <inheritdoc />
    public async ValueTask<string> WriteAsync(
        GrainStateKey key,
        string json,
        int schemaVersion,
        string? expectedETag,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        StorageArguments.ValidateJson(json, nameof(json));
        StorageArguments.ValidateDrafts(events);
        return await InWriteTransactionAsync(
            (connection, transaction) =>
            {
                var stored = ReadStoredVersion(connection, transaction, key);
                var version = CheckETag(key, stored?.Version, expectedETag) + 1;
                UpsertState(connection, transaction, key, json, schemaVersion, version, recordExists: true);
                AppendEvents(connection, transaction, key.GrainType, key.GrainKey, events);
                return StorageArguments.FormatETag(version);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        return await InWriteTransactionAsync(
            (connection, transaction) =>
            {
                var stored = ReadStoredVersion(connection, transaction, key);
                var version = CheckETag(key, stored?.Version, expectedETag) + 1;
                UpsertState(connection, transaction, key, "{}", stored?.SchemaVersion ?? 0, version, recordExists: false);
                return StorageArguments.FormatETag(version);
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<long>> AppendAsync(
        string producerType,
        string producerKey,
        IReadOnlyList<StreamEventDraft> events,
        CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateProducer(producerType, producerKey);
        StorageArguments.ValidateDrafts(events);
        if (events.Count == 0)
        {
            return [];
        }

        return await InWriteTransactionAsync(
            (connection, transaction) => AppendEvents(connection, transaction, producerType, producerKey, events),
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(
        string streamNamespace,
        long afterPosition,
        int maxCount,
        CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamNamespace);
        ArgumentOutOfRangeException.ThrowIfNegative(afterPosition);
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(maxCount);
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT position, stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at " +
            "FROM stream_event WHERE stream_namespace = $ns AND position > $after ORDER BY position LIMIT $max";
        command.Parameters.AddWithValue("$ns", streamNamespace);
        command.Parameters.AddWithValue("$after", afterPosition);
        command.Parameters.AddWithValue("$max", maxCount);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<StreamEventRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ReadEvent(reader, 0));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT position FROM stream_checkpoint WHERE subscription = $sub";
        command.Parameters.AddWithValue("$sub", subscription);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is long position ? position : 0;
    }

    /// <inheritdoc />
    public async ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        await InWriteTransactionAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText =
                    "INSERT INTO stream_checkpoint (subscription, position) VALUES ($sub, $pos) " +
                    "ON CONFLICT (subscription) DO UPDATE SET position = max(position, excluded.position)";
                command.Parameters.AddWithValue("$sub", subscription);
                command.Parameters.AddWithValue("$pos", position);
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateDeadLetter(deadLetter);
        await InWriteTransactionAsync(
            (connection, transaction) =>
            {
                var e = deadLetter.Event;
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText =
                    "INSERT INTO stream_dead_letter (subscription, position, stream_namespace, stream_key, producer_type, producer_key, " +
                    "producer_sequence, payload_type, payload, created_at, attempts, error, dead_lettered_at) VALUES " +
                    "($sub, $pos, $ns, $key, $ptype, $pkey, $seq, $type, $payload, $created, $attempts, $error, $at)";
                command.Parameters.AddWithValue("$sub", deadLetter.Subscription);
                command.Parameters.AddWithValue("$pos", e.Position);
                command.Parameters.AddWithValue("$ns", e.StreamNamespace);
                command.Parameters.AddWithValue("$key", e.StreamKey);
                command.Parameters.AddWithValue("$ptype", e.ProducerType);
                command.Parameters.AddWithValue("$pkey", e.ProducerKey);
                command.Parameters.AddWithValue("$seq", e.ProducerSequence);
                command.Parameters.AddWithValue("$type", e.PayloadType);
                command.Parameters.AddWithValue("$payload", e.PayloadJson);
                command.Parameters.AddWithValue("$created", e.CreatedAt.ToUnixTimeMilliseconds());
                command.Parameters.AddWithValue("$attempts", deadLetter.Attempts);
                command.Parameters.AddWithValue("$error", deadLetter.Error);
                command.Parameters.AddWithValue("$at", deadLetter.DeadLetteredAt.ToUnixTimeMilliseconds());
                return command.ExecuteNonQuery();
            },
            cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText =
            "SELECT position, stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at, " +
            "subscription, attempts, error, dead_lettered_at FROM stream_dead_letter WHERE subscription = $sub ORDER BY id";
        command.Parameters.AddWithValue("$sub", subscription);
        using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        var result = new List<DeadLetterRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DeadLetterRecord(
                reader.GetString(9),
                ReadEvent(reader, 0),
                reader.GetInt32(10),
                reader.GetString(11),
                DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(12))));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        using var connection = await OpenReaderAsync(cancellationToken).ConfigureAwait(false);
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT coalesce(max(position), 0) FROM stream_event";
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _writeGate.Wait();
        try
        {
            if (_writer is not null)
            {
                // Release pooled handles too, so the file can be moved or deleted (tests, admin tools).
                SqliteConnection.ClearPool(_writer);
                _writer.Dispose();
                _writer = null;
            }
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        Dispose();
        return ValueTask.CompletedTask;
    }

    private static void AddKey(SqliteCommand command, GrainStateKey key)
    {
        command.Parameters.AddWithValue("$type", key.GrainType);
        command.Parameters.AddWithValue("$key", key.GrainKey);
        command.Parameters.AddWithValue("$state", key.StateName);
    }

    private static StreamEventRecord ReadEvent(SqliteDataReader reader, int offset) => new(
        reader.GetInt64(offset),
        reader.GetString(offset + 1),
        reader.GetString(offset + 2),
        reader.GetString(offset + 3),
        reader.GetString(offset + 4),
        reader.GetInt64(offset + 5),
        reader.GetString(offset + 6),
        reader.GetString(offset + 7),
        DateTimeOffset.FromUnixTimeMilliseconds(reader.GetInt64(offset + 8)));

    private static (long Version, int SchemaVersion)? ReadStoredVersion(SqliteConnection connection, SqliteTransaction transaction, GrainStateKey key)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = "SELECT version, schema_version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $state";
        AddKey(command, key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? (reader.GetInt64(0), reader.GetInt32(1)) : null;
    }

    /// <summary>Returns the stored version (0 when never written) or throws when the carried ETag is not the stored one.</summary>
    private long CheckETag(GrainStateKey key, long? storedVersion, string? expectedETag)
    {
        var matches = storedVersion is null ? expectedETag is null : StorageArguments.ParseETag(expectedETag) == storedVersion;
        if (!matches)
        {
            var stored = storedVersion is null ? null : StorageArguments.FormatETag(storedVersion.Value);
            LogETagConflict(key, stored, expectedETag);
            throw new InconsistentStateException(key, stored, expectedETag);
        }

        return storedVersion ?? 0;
    }

    private void UpsertState(
        SqliteConnection connection, SqliteTransaction transaction, GrainStateKey key, string json, int schemaVersion, long version, bool recordExists)
    {
        using var command = connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText =
            "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
            "VALUES ($type, $key, $state, $payload, $schema, $version, $exists, $now) " +
            "ON CONFLICT (grain_type, grain_key, state_name) DO UPDATE SET payload = excluded.payload, " +
            "schema_version = excluded.schema_version, version = excluded.version, record_exists = excluded.record_exists, " +
            "modified_at = excluded.modified_at";
        AddKey(command, key);
        command.Parameters.AddWithValue("$payload", json);
        command.Parameters.AddWithValue("$schema", schemaVersion);
        command.Parameters.AddWithValue("$version", version);
        command.Parameters.AddWithValue("$exists", recordExists ? 1 : 0);
        command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        command.ExecuteNonQuery();
    }

    /// <summary>Assigns the producer's next sequences and appends the events, inside the caller's transaction.</summary>
    private List<long> AppendEvents(
        SqliteConnection connection, SqliteTransaction transaction, string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events)
    {
        var positions = new List<long>(events.Count);
        if (events.Count == 0)
        {
            return positions;
        }

        long lastSequence;
        using (var producer = connection.CreateCommand())
        {
            producer.Transaction = transaction;
            producer.CommandText =
                "INSERT INTO stream_producer (producer_type, producer_key, last_sequence) VALUES ($ptype, $pkey, $n) " +
                "ON CONFLICT (producer_type, producer_key) DO UPDATE SET last_sequence = last_sequence + excluded.last_sequence " +
                "RETURNING last_sequence";
            producer.Parameters.AddWithValue("$ptype", producerType);
            producer.Parameters.AddWithValue("$pkey", producerKey);
            producer.Parameters.AddWithValue("$n", (long)events.Count);
            lastSequence = Convert.ToInt64(producer.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture);
        }

        using var insert = connection.CreateCommand();
        insert.Transaction = transaction;
        insert.CommandText =
            "INSERT INTO stream_event (stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at) " +
            "VALUES ($ns, $key, $ptype, $pkey, $seq, $type, $payload, $created) RETURNING position";
        var ns = insert.Parameters.Add("$ns", SqliteType.Text);
        var streamKey = insert.Parameters.Add("$key", SqliteType.Text);
        insert.Parameters.AddWithValue("$ptype", producerType);
        insert.Parameters.AddWithValue("$pkey", producerKey);
        var sequence = insert.Parameters.Add("$seq", SqliteType.Integer);
        var payloadType = insert.Parameters.Add("$type", SqliteType.Text);
        var payload = insert.Parameters.Add("$payload", SqliteType.Text);
        insert.Parameters.AddWithValue("$created", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
        var next = lastSequence - events.Count + 1;
        foreach (var draft in events)
        {
            ns.Value = draft.StreamNamespace;
            streamKey.Value = draft.StreamKey;
            sequence.Value = next++;
            payloadType.Value = draft.PayloadType;
            payload.Value = draft.PayloadJson;
            positions.Add(Convert.ToInt64(insert.ExecuteScalar(), System.Globalization.CultureInfo.InvariantCulture));
        }

        return positions;
    }

    private async ValueTask<SqliteConnection> OpenReaderAsync(CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    /// <summary>Runs <paramref name="work"/> in a BEGIN IMMEDIATE transaction on the single writer connection.</summary>
    private async ValueTask<T> InWriteTransactionAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        await _writeGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ObjectDisposedException.ThrowIf(_disposed, this);
            var writer = _writer!;
            // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE unless deferred: the write lock is taken up front,
            // so the ETag check and the write cannot interleave with another process.
            using var transaction = writer.BeginTransaction(deferred: false);
            var result = work(writer, transaction);
            cancellationToken.ThrowIfCancellationRequested();
            transaction.Commit();
            return result;
        }
        finally
        {
            _writeGate.Release();
        }
    }

    private async Task MigrateAsync(SqliteConnection writer, CancellationToken cancellationToken)
    {
        var scripts = SchemaScript.Load(typeof(SqliteGrainStorage).Assembly);
        using var transaction = writer.BeginTransaction(deferred: false);
        using (var create = writer.CreateCommand())
        {
            create.Transaction = transaction;
            create.CommandText =
                "CREATE TABLE IF NOT EXISTS schema_version (version INTEGER NOT NULL PRIMARY KEY, name TEXT NOT NULL, applied_at INTEGER NOT NULL)";
            await create.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        long current;
        using (var select = writer.CreateCommand())
        {
            select.Transaction = transaction;
            select.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
            current = Convert.ToInt64(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), System.Globalization.CultureInfo.InvariantCulture);
        }

        if (current > scripts[^1].Version)
        {
            throw new InvalidOperationException(
                $"The SQLite file {FilePath} has schema version {current}, newer than this build knows ({scripts[^1].Version}). Upgrade the silo.");
        }

        foreach (var script in scripts.Where(s => s.Version > current))
        {
            using var apply = writer.CreateCommand();
            apply.Transaction = transaction;
            apply.CommandText = script.Sql;
            await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            using var record = writer.CreateCommand();
            record.Transaction = transaction;
            record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES ($v, $n, $at)";
            record.Parameters.AddWithValue("$v", script.Version);
            record.Parameters.AddWithValue("$n", script.Name);
            record.Parameters.AddWithValue("$at", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LogSchemaApplied(FilePath, script.Version, script.Name);
        }

        transaction.Commit();
    }

    [LoggerMessage(EventId = 3501, EventName = "SqliteSchemaApplied", Level = LogLevel.Information, Message = "Applied schema script {Version} ({Name}) to SQLite file {FilePath}")]
    private partial void LogSchemaApplied(string filePath, int version, string name);

    [LoggerMessage(EventId = 3502, EventName = "SqliteETagConflict", Level = LogLevel.Debug, Message = "ETag conflict on {Key}: stored {StoredETag}, carried {CarriedETag}")]
    private partial void LogETagConflict(GrainStateKey key, string? storedETag, string? carriedETag);
}
