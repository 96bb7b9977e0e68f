using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;
using NpgsqlTypes;
using Orleans.Serialization.Serializers;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// Orleans grain storage in PostgreSQL (table <c>grain_state</c> in one schema, one row per grain type, grain key and
/// state name, JSON text payload (lz4-compressed where the server has it), integer version as ETag, tombstone on clear). Optimistic concurrency is a conditional
/// INSERT or UPDATE on the version, so concurrent writers with one ETag get exactly one winner. See
/// <see cref="JsonRowGrainStorage"/> for the ETag rules. Register it with
/// <see cref="PostgresSiloBuilderExtensions.AddPostgresGrainStorage(ISiloBuilder, string, Action{PostgresGrainStorageOptions})"/>.
/// </summary>
public sealed partial class PostgresGrainStorage : JsonRowGrainStorage, IAsyncDisposable, IDisposable
{
    private readonly PostgresDatabase _database;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private readonly string _table;
    private int _disposed;

    /// <summary>Creates the storage; the schema is created or upgraded at the silo's init stage (or on first use).</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="options">The options; invalid ones throw <see cref="ArgumentException"/> naming the option.</param>
    /// <param name="activatorProvider">Orleans' activators for empty states; null uses parameterless constructors.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for <c>modified_at</c>.</param>
    public PostgresGrainStorage(
        string name,
        PostgresGrainStorageOptions options,
        IActivatorProvider? activatorProvider = null,
        ILogger<PostgresGrainStorage>? logger = null,
        TimeProvider? timeProvider = null)
        : base(name, Validated(options, name).GrainStorageSerializer, activatorProvider, options.InitStage)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = new PostgresDatabase(options, _logger, _timeProvider);
        _table = $"{_database.QuotedSchema}.grain_state";
        Groups = new PostgresGroupCommit(_database.DataSource);
    }

    /// <summary>The group commit of this storage's writes (tests).</summary>
    internal PostgresGroupCommit Groups { get; }

    /// <summary>The schema holding the tables.</summary>
    public string Schema => _database.Schema;

    /// <inheritdoc />
    protected override string Store => $"PostgreSQL grain storage '{Name}' ({_database.Location})";

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            await _database.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.Dispose();
        }
    }

    /// <inheritdoc />
    protected override Task InitializeStoreAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    /// <inheritdoc />
    protected override async Task<StoredGrainState?> ReadRowAsync(GrainStateKey key, CancellationToken cancellationToken)
    {
        using var command = _database.DataSource.CreateCommand(
            $"SELECT payload, schema_version, version, record_exists FROM {_table} " +
            "WHERE grain_type = @type AND grain_key = @key AND state_name = @state");
        AddKey(command, key);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            return await reader.ReadAsync(cancellationToken).ConfigureAwait(false)
                ? new StoredGrainState(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetBoolean(3))
                : null;
        }
    }

    /// <inheritdoc />
    protected override async Task<RowChangeResult> ChangeRowAsync(RowChange change, CancellationToken cancellationToken)
    {
        // One statement each: a new row is an INSERT that does nothing when a row exists, a change is an UPDATE
        // conditioned on the version. Concurrent writes are committed in groups (PostgresGroupCommit): one transaction
        // for many writes, each still checked on its own. A concurrent writer with the same ETag blocks on the row (or
        // the unique key), re-checks after the first commits, and changes nothing.
        if (change.ExpectedVersion >= 0)
        {
            var statement = new NpgsqlBatchCommand(change.ExpectedVersion == 0
                ? $"INSERT INTO {_table} (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
                  "VALUES ($1, $2, $3, $4, $5, 1, $6, $7) " +
                  "ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING RETURNING version"
                : $"UPDATE {_table} SET payload = $4, " +
                  "schema_version = CASE WHEN $6 THEN $5 ELSE schema_version END, " +
                  "version = version + 1, record_exists = $6, modified_at = $7 " +
                  "WHERE grain_type = $1 AND grain_key = $2 AND state_name = $3 AND version = $8 RETURNING version");
            statement.Parameters.Add(new NpgsqlParameter { Value = change.Key.GrainType });
            statement.Parameters.Add(new NpgsqlParameter { Value = change.Key.GrainKey });
            statement.Parameters.Add(new NpgsqlParameter { Value = change.Key.StateName });
            // Text, not jsonb (schema script 4): the server stores the JSON the silo checked as it is, without parsing it.
            statement.Parameters.Add(new NpgsqlParameter { NpgsqlDbType = NpgsqlDbType.Text, Value = Encoding.UTF8.GetString(change.Json.Span) });
            statement.Parameters.Add(new NpgsqlParameter { Value = StateJson.SchemaVersion });
            statement.Parameters.Add(new NpgsqlParameter { Value = change.RecordExists });
            statement.Parameters.Add(new NpgsqlParameter { Value = _timeProvider.GetUtcNow() });
            if (change.ExpectedVersion != 0)
            {
                statement.Parameters.Add(new NpgsqlParameter { Value = change.ExpectedVersion });
            }

            var order = string.Concat(change.Key.GrainType, "\0", change.Key.GrainKey, "\0", change.Key.StateName);
            if (await Groups.WriteAsync(statement, order, cancellationToken).ConfigureAwait(false) is long version)
            {
                return RowChangeResult.Done(version);
            }
        }

        // Refused: read the stored version for the exception (it may have moved on since; it is only reported).
        using var read = _database.DataSource.CreateCommand(
            $"SELECT version FROM {_table} WHERE grain_type = @type AND grain_key = @key AND state_name = @state");
        AddKey(read, change.Key);
        return RowChangeResult.Conflict(await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as long?);
    }

    /// <inheritdoc />
    protected override StoreFailureKind ClassifyFailure(Exception exception) => PostgresFailures.Classify(exception);

    /// <inheritdoc />
    protected override void OnETagConflict(GrainStateKey key, string? storedETag, string? carriedETag) =>
        LogETagConflict(Name, key, storedETag, carriedETag);

    /// <inheritdoc />
    protected override void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception) =>
        LogStoreFailure(exception, Name, _database.Location, operation, kind);

    private static PostgresGrainStorageOptions Validated(PostgresGrainStorageOptions options, string name)
    {
        var failures = PostgresOptionsRules.Check(options, nameof(PostgresGrainStorageOptions), $"grain storage '{name}'");
        return failures.Count == 0 ? options : throw new ArgumentException(string.Join(" ", failures), nameof(options));
    }

    private static void AddKey(NpgsqlCommand command, GrainStateKey key)
    {
        command.Parameters.AddWithValue("type", key.GrainType);
        command.Parameters.AddWithValue("key", key.GrainKey);
        command.Parameters.AddWithValue("state", key.StateName);
    }

    [LoggerMessage(EventId = 7110, EventName = "PostgresETagConflict", Level = LogLevel.Debug,
        Message = "Grain storage {Provider}: ETag conflict on {Key}: stored {StoredETag}, carried {CarriedETag}")]
    private partial void LogETagConflict(string provider, GrainStateKey key, string? storedETag, string? carriedETag);

    [LoggerMessage(EventId = 7111, EventName = "PostgresGrainStorageFailed", Level = LogLevel.Warning,
        Message = "Grain storage {Provider} ({Location}): {Operation} failed, reported as {Kind}")]
    private partial void LogStoreFailure(Exception exception, string provider, string location, string operation, StoreFailureKind kind);
}
