using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Postgres;

/// <summary>
/// Grain storage and stream log in PostgreSQL (jsonb payloads, one schema). A state write, the producer's
/// sequence bump and its events commit in one transaction; optimistic concurrency is a conditional
/// UPDATE/INSERT on the integer version, so concurrent writers on one ETag get exactly one winner.
/// </summary>
/// <remarks>
/// Gap-safe positions. Identity values are allocated when a row is inserted, not when it commits, so without care
/// a reader could see position 11 (committed) while 10 is still in flight, move its checkpoint past 10 and never
/// deliver it. Appends therefore take a transaction-scoped advisory lock on the log
/// (<c>pg_advisory_xact_lock</c>) right before they allocate positions; it is held until commit or rollback, so
/// positions are allocated and committed in the same order and a reader can never see a hole that fills later
/// (a rolled-back append leaves a permanent hole, which is harmless). The lock is taken after the state row is
/// updated and only when there are events, so state-only writes never wait for it; the cost is that event
/// appends commit one at a time (bounded by commit latency). The alternative, reading only below the oldest
/// in-flight transaction (<c>pg_snapshot_xmin</c>), keeps appends parallel but lets one long transaction anywhere
/// in the database stall every reader, and needs the writer's xid per row; the lock is simpler to reason about.
/// </remarks>
public sealed partial class PostgresGrainStorage : IGrainStorage, IStreamLog, IAsyncDisposable
{
    private const string EventColumns =
        "position, stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload::text, created_at";

    private readonly PostgresGrainStorageOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly bool _ownsDataSource;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly SemaphoreSlim _initGate = new(1, 1);
    private readonly string _s;
    private readonly long _logLockKey;
    private readonly long _migrationLockKey;
    private volatile bool _initialized;

    /// <summary>Creates the provider; the schema is created or upgraded by <see cref="InitializeAsync"/> (or on first use).</summary>
    public PostgresGrainStorage(PostgresGrainStorageOptions options, TimeProvider? timeProvider = null, ILogger<PostgresGrainStorage>? logger = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        var validation = new PostgresGrainStorageOptionsValidator().Validate(null, options);
        if (validation.Failed)
        {
            throw new ArgumentException(validation.FailureMessage, nameof(options));
        }

        _options = options;
        _ownsDataSource = options.DataSource is null;
        _dataSource = options.DataSource ?? NpgsqlDataSource.Create(options.ConnectionString!);
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _s = $"\"{options.Schema}\"";
        _logLockKey = LockKey("strive.stream_log." + options.Schema);
        _migrationLockKey = LockKey("strive.migrate." + options.Schema);
    }

    /// <inheritdoc />
    public string Name => _options.Name;

    /// <summary>The schema holding the tables.</summary>
    public string Schema => _options.Schema;

    /// <summary>The advisory-lock key that serializes appends to this schema's log (for tests and operators).</summary>
    internal long LogLockKey => _logLockKey;

    /// <inheritdoc />
    public async ValueTask InitializeAsync(CancellationToken cancellationToken = default)
    {
        if (_initialized)
        {
            return;
        }

        await _initGate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_initialized)
            {
                await MigrateAsync(cancellationToken).ConfigureAwait(false);
                _initialized = true;
            }
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
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"SELECT payload::text, schema_version, version, record_exists FROM {_s}.grain_state " +
            "WHERE grain_type = @type AND grain_key = @key AND state_name = @state");
        AddKey(command, key);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            return null;
        }

        return new StoredGrainState(reader.GetString(0), reader.GetInt32(1), StorageArguments.FormatETag(reader.GetInt64(2)), reader.GetBoolean(3));
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
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        var version = await ChangeStateAsync(connection, key, json, schemaVersion, recordExists: true, expectedETag, cancellationToken).ConfigureAwait(false);
        await AppendEventsAsync(connection, key.GrainType, key.GrainKey, events, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StorageArguments.FormatETag(version);
    }

    /// <inheritdoc />
    public async ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateKey(key);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var version = await ChangeStateAsync(connection, key, "{}", schemaVersion: null, recordExists: false, expectedETag, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return StorageArguments.FormatETag(version);
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

        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);
        var positions = await AppendEventsAsync(connection, producerType, producerKey, events, cancellationToken).ConfigureAwait(false);
        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
        return positions;
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
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"SELECT {EventColumns} FROM {_s}.stream_event WHERE stream_namespace = @ns AND position > @after ORDER BY position LIMIT @max");
        command.Parameters.AddWithValue("ns", streamNamespace);
        command.Parameters.AddWithValue("after", afterPosition);
        command.Parameters.AddWithValue("max", maxCount);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var result = new List<StreamEventRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(ReadEvent(reader));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand($"SELECT position FROM {_s}.stream_checkpoint WHERE subscription = @sub");
        command.Parameters.AddWithValue("sub", subscription);
        return await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long position ? position : 0;
    }

    /// <inheritdoc />
    public async ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        ArgumentOutOfRangeException.ThrowIfNegative(position);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"INSERT INTO {_s}.stream_checkpoint (subscription, position) VALUES (@sub, @pos) " +
            "ON CONFLICT (subscription) DO UPDATE SET position = GREATEST(stream_checkpoint.position, excluded.position)");
        command.Parameters.AddWithValue("sub", subscription);
        command.Parameters.AddWithValue("pos", position);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateDeadLetter(deadLetter);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        var e = deadLetter.Event;
        using var command = _dataSource.CreateCommand(
            $"INSERT INTO {_s}.stream_dead_letter (subscription, position, stream_namespace, stream_key, producer_type, producer_key, " +
            "producer_sequence, payload_type, payload, created_at, attempts, error, dead_lettered_at) VALUES " +
            "(@sub, @pos, @ns, @key, @ptype, @pkey, @seq, @type, @payload, @created, @attempts, @error, @at)");
        command.Parameters.AddWithValue("sub", deadLetter.Subscription);
        command.Parameters.AddWithValue("pos", e.Position);
        command.Parameters.AddWithValue("ns", e.StreamNamespace);
        command.Parameters.AddWithValue("key", e.StreamKey);
        command.Parameters.AddWithValue("ptype", e.ProducerType);
        command.Parameters.AddWithValue("pkey", e.ProducerKey);
        command.Parameters.AddWithValue("seq", e.ProducerSequence);
        command.Parameters.AddWithValue("type", e.PayloadType);
        command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = e.PayloadJson });
        command.Parameters.AddWithValue("created", e.CreatedAt.ToUniversalTime());
        command.Parameters.AddWithValue("attempts", deadLetter.Attempts);
        command.Parameters.AddWithValue("error", deadLetter.Error);
        command.Parameters.AddWithValue("at", deadLetter.DeadLetteredAt.ToUniversalTime());
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default)
    {
        StorageArguments.ValidateSubscription(subscription);
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand(
            $"SELECT {EventColumns}, subscription, attempts, error, dead_lettered_at FROM {_s}.stream_dead_letter WHERE subscription = @sub ORDER BY id");
        command.Parameters.AddWithValue("sub", subscription);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using var readerScope = reader.ConfigureAwait(false);
        var result = new List<DeadLetterRecord>();
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            result.Add(new DeadLetterRecord(
                reader.GetString(9), ReadEvent(reader), reader.GetInt32(10), reader.GetString(11), reader.GetFieldValue<DateTimeOffset>(12)));
        }

        return result;
    }

    /// <inheritdoc />
    public async ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default)
    {
        await InitializeAsync(cancellationToken).ConfigureAwait(false);
        using var command = _dataSource.CreateCommand($"SELECT coalesce(max(position), 0) FROM {_s}.stream_event");
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (_ownsDataSource)
        {
            await _dataSource.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>A stable 64-bit advisory-lock key for a name (FNV-1a); a collision only costs extra serialization.</summary>
    private static long LockKey(string name)
    {
        var hash = 14695981039346656037UL;
        foreach (var b in Encoding.UTF8.GetBytes(name))
        {
            hash = (hash ^ b) * 1099511628211UL;
        }

        return unchecked((long)hash);
    }

    private static void AddKey(NpgsqlCommand command, GrainStateKey key)
    {
        command.Parameters.AddWithValue("type", key.GrainType);
        command.Parameters.AddWithValue("key", key.GrainKey);
        command.Parameters.AddWithValue("state", key.StateName);
    }

    private static StreamEventRecord ReadEvent(NpgsqlDataReader reader) => new(
        reader.GetInt64(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        reader.GetString(4),
        reader.GetInt64(5),
        reader.GetString(6),
        reader.GetString(7),
        reader.GetFieldValue<DateTimeOffset>(8));

    /// <summary>
    /// Inserts (expected ETag null) or conditionally updates (expected ETag = stored version) the state row; the row
    /// lock makes a concurrent writer with the same ETag re-check the version after we commit and fail.
    /// </summary>
    private async Task<long> ChangeStateAsync(
        NpgsqlConnection connection, GrainStateKey key, string json, int? schemaVersion, bool recordExists, string? expectedETag, CancellationToken cancellationToken)
    {
        long? version = null;
        var expected = StorageArguments.ParseETag(expectedETag);
        if (expectedETag is null || expected is not null)
        {
            using var command = connection.CreateCommand();
            command.CommandText = expectedETag is null
                ? $"INSERT INTO {_s}.grain_state (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
                  "VALUES (@type, @key, @state, @payload, coalesce(@schema, 0), 1, @exists, @now) " +
                  "ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING RETURNING version"
                : $"UPDATE {_s}.grain_state SET payload = @payload, schema_version = coalesce(@schema, schema_version), " +
                  "version = version + 1, record_exists = @exists, modified_at = @now " +
                  "WHERE grain_type = @type AND grain_key = @key AND state_name = @state AND version = @expected RETURNING version";
            AddKey(command, key);
            command.Parameters.Add(new NpgsqlParameter("payload", NpgsqlDbType.Jsonb) { Value = json });
            command.Parameters.Add(new NpgsqlParameter("schema", NpgsqlDbType.Integer) { Value = (object?)schemaVersion ?? DBNull.Value });
            command.Parameters.AddWithValue("exists", recordExists);
            command.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
            command.Parameters.AddWithValue("expected", expected ?? 0L);
            version = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?;
        }

        if (version is null)
        {
            using var read = connection.CreateCommand();
            read.CommandText = $"SELECT version FROM {_s}.grain_state WHERE grain_type = @type AND grain_key = @key AND state_name = @state";
            AddKey(read, key);
            var stored = await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) is long v ? StorageArguments.FormatETag(v) : null;
            LogETagConflict(key, stored, expectedETag);
            throw new InconsistentStateException(key, stored, expectedETag);
        }

        return version.Value;
    }

    /// <summary>Serializes on the log lock, bumps the producer sequence and inserts the events, in the caller's transaction.</summary>
    private async Task<IReadOnlyList<long>> AppendEventsAsync(
        NpgsqlConnection connection, string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken)
    {
        if (events.Count == 0)
        {
            return [];
        }

        var namespaces = new string[events.Count];
        var streamKeys = new string[events.Count];
        var payloadTypes = new string[events.Count];
        var payloads = new string[events.Count];
        for (var i = 0; i < events.Count; i++)
        {
            (namespaces[i], streamKeys[i], payloadTypes[i], payloads[i]) = (events[i].StreamNamespace, events[i].StreamKey, events[i].PayloadType, events[i].PayloadJson);
        }

        using var batch = connection.CreateBatch();
        var lockCommand = new NpgsqlBatchCommand("SELECT pg_advisory_xact_lock(@lock)");
        lockCommand.Parameters.AddWithValue("lock", _logLockKey);
        var insertCommand = new NpgsqlBatchCommand(
            $"WITH producer AS (INSERT INTO {_s}.stream_producer AS p (producer_type, producer_key, last_sequence) VALUES (@ptype, @pkey, @n) " +
            "ON CONFLICT (producer_type, producer_key) DO UPDATE SET last_sequence = p.last_sequence + excluded.last_sequence RETURNING last_sequence) " +
            $"INSERT INTO {_s}.stream_event (stream_namespace, stream_key, producer_type, producer_key, producer_sequence, payload_type, payload, created_at) " +
            "SELECT d.ns, d.skey, @ptype, @pkey, producer.last_sequence - @n + d.ord, d.ptyp, d.payload::jsonb, @now " +
            "FROM producer, unnest(@namespaces, @keys, @types, @payloads) WITH ORDINALITY AS d(ns, skey, ptyp, payload, ord) " +
            "ORDER BY d.ord RETURNING position, producer_sequence");
        insertCommand.Parameters.AddWithValue("ptype", producerType);
        insertCommand.Parameters.AddWithValue("pkey", producerKey);
        insertCommand.Parameters.AddWithValue("n", (long)events.Count);
        insertCommand.Parameters.AddWithValue("namespaces", namespaces);
        insertCommand.Parameters.AddWithValue("keys", streamKeys);
        insertCommand.Parameters.AddWithValue("types", payloadTypes);
        insertCommand.Parameters.AddWithValue("payloads", payloads);
        insertCommand.Parameters.AddWithValue("now", _timeProvider.GetUtcNow());
        batch.BatchCommands.Add(lockCommand);
        batch.BatchCommands.Add(insertCommand);

        var rows = new List<(long Position, long Sequence)>(events.Count);
        var reader = await batch.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            await reader.NextResultAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add((reader.GetInt64(0), reader.GetInt64(1)));
            }
        }

        // RETURNING order is not guaranteed; the producer sequence follows the draft order.
        rows.Sort((a, b) => a.Sequence.CompareTo(b.Sequence));
        return rows.ConvertAll(r => r.Position);
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        var scripts = SchemaScript.Load(typeof(PostgresGrainStorage).Assembly);
        var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
        await using var connectionScope = connection.ConfigureAwait(false);
        var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
        await using var transactionScope = transaction.ConfigureAwait(false);

        // Two silos starting at once: the second waits here, then finds the scripts applied. The lock is taken
        // before the schema is created, since creating it is not itself safe against a concurrent create.
        using (var prepare = connection.CreateCommand())
        {
            prepare.CommandText =
                "SELECT pg_advisory_xact_lock(@lock); " +
                // Create only when missing: CREATE SCHEMA IF NOT EXISTS needs CREATE on the database even when the
                // schema exists, which an operator-provisioned schema and a least-privilege role do not have.
                $"DO $$ BEGIN IF to_regnamespace('{_s}') IS NULL THEN CREATE SCHEMA {_s}; END IF; END $$; " +
                $"SET LOCAL search_path TO {_s}; " +
                "CREATE TABLE IF NOT EXISTS schema_version (version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL);";
            prepare.Parameters.AddWithValue("lock", _migrationLockKey);
            await prepare.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
        }

        int current;
        using (var select = connection.CreateCommand())
        {
            select.CommandText = "SELECT coalesce(max(version), 0) FROM schema_version";
            current = (int)(await select.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
        }

        if (current > scripts[^1].Version)
        {
            throw new InvalidOperationException(
                $"Schema {_options.Schema} has version {current}, newer than this build knows ({scripts[^1].Version}). Upgrade the silo.");
        }

        foreach (var script in scripts.Where(s => s.Version > current))
        {
            using (var apply = connection.CreateCommand())
            {
                apply.CommandText = script.Sql;
                await apply.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using var record = connection.CreateCommand();
            record.CommandText = "INSERT INTO schema_version (version, name, applied_at) VALUES (@v, @n, @at)";
            record.Parameters.AddWithValue("v", script.Version);
            record.Parameters.AddWithValue("n", script.Name);
            record.Parameters.AddWithValue("at", _timeProvider.GetUtcNow());
            await record.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            LogSchemaApplied(_options.Schema, script.Version, script.Name);
        }

        await transaction.CommitAsync(cancellationToken).ConfigureAwait(false);
    }

    [LoggerMessage(EventId = 3511, EventName = "PostgresSchemaApplied", Level = LogLevel.Information, Message = "Applied schema script {Version} ({Name}) to PostgreSQL schema {Schema}")]
    private partial void LogSchemaApplied(string schema, int version, string name);

    [LoggerMessage(EventId = 3512, EventName = "PostgresETagConflict", Level = LogLevel.Debug, Message = "ETag conflict on {Key}: stored {StoredETag}, carried {CarriedETag}")]
    private partial void LogETagConflict(GrainStateKey key, string? storedETag, string? carriedETag);
}
