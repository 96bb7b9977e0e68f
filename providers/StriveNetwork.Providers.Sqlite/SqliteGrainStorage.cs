using System.Runtime.InteropServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Orleans.Serialization.Serializers;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>
/// Orleans grain storage in one SQLite file (table <c>grain_state</c>, one row per grain type, grain key and state
/// name, JSON payload, integer version as ETag, tombstone on clear). See <see cref="JsonRowGrainStorage"/> for the ETag
/// rules and <c>docs/providers.md</c> for the table. Register it with
/// <see cref="SqliteSiloBuilderExtensions.AddSqliteGrainStorage(ISiloBuilder, string, Action{SqliteGrainStorageOptions})"/>.
/// </summary>
public sealed partial class SqliteGrainStorage : JsonRowGrainStorage, IDisposable
{
    // A first write (expected version 0) inserts, and finds a conflict in any stored row (a stored row, tombstones
    // included, has version 1 or more); a later one updates only the row at the expected version. A tombstone keeps the
    // schema version of the payload it follows. The payload is bound as the serializer's UTF-8 bytes (a blob) and cast to
    // TEXT, which SQLite does by reading the bytes in the database's encoding, UTF-8: the stored value is the same text
    // as when it was bound as a string, without a UTF-16 string and a second UTF-8 copy per write.
    private const string InsertNewRow =
        "INSERT INTO grain_state (grain_type, grain_key, state_name, payload, schema_version, version, record_exists, modified_at) " +
        "VALUES ($type, $key, $state, CAST($payload AS TEXT), $schema, $expected + 1, $exists, $now) " +
        "ON CONFLICT (grain_type, grain_key, state_name) DO NOTHING RETURNING version";

    private const string UpdateAtVersion =
        "UPDATE grain_state SET payload = CAST($payload AS TEXT), schema_version = CASE WHEN $exists = 1 THEN $schema ELSE schema_version END, " +
        "version = version + 1, record_exists = $exists, modified_at = $now " +
        "WHERE grain_type = $type AND grain_key = $key AND state_name = $state AND version = $expected RETURNING version";

    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates the storage; the file is opened and its schema applied at the silo's init stage (or on first use).</summary>
    /// <param name="name">The provider name.</param>
    /// <param name="options">The options; invalid ones throw <see cref="ArgumentException"/> naming the option.</param>
    /// <param name="activatorProvider">Orleans' activators for empty states; null uses parameterless constructors.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for <c>modified_at</c>.</param>
    public SqliteGrainStorage(
        string name,
        SqliteGrainStorageOptions options,
        IActivatorProvider? activatorProvider = null,
        ILogger<SqliteGrainStorage>? logger = null,
        TimeProvider? timeProvider = null)
        : this(name, options, activatorProvider, logger, timeProvider, privateDatabase: false)
    {
    }

    private SqliteGrainStorage(
        string name,
        SqliteGrainStorageOptions options,
        IActivatorProvider? activatorProvider,
        ILogger<SqliteGrainStorage>? logger,
        TimeProvider? timeProvider,
        bool privateDatabase)
        : base(name, Validated(options, name).GrainStorageSerializer, activatorProvider, options.InitStage)
    {
        _timeProvider = timeProvider ?? TimeProvider.System;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        Database = privateDatabase
            ? SqliteDatabase.OpenPrivate(options, _logger, _timeProvider)
            : SqliteDatabase.Acquire(options, _logger, _timeProvider);
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath => Database.FilePath;

    /// <inheritdoc />
    protected override string Store => $"SQLite grain storage '{Name}' (file {Database.FilePath})";

    /// <summary>The file this storage writes (shared with other providers on the same path in this process).</summary>
    internal SqliteDatabase Database { get; }

    /// <summary>A storage with a writer of its own on the file, as another process would have (tests).</summary>
    internal static SqliteGrainStorage CreateWithPrivateWriter(string name, SqliteGrainStorageOptions options) =>
        new(name, options, null, null, null, privateDatabase: true);

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            Database.Release();
        }
    }

    /// <inheritdoc />
    protected override Task InitializeStoreAsync(CancellationToken cancellationToken) => Database.OpenAsync(cancellationToken);

    /// <inheritdoc />
    protected override Task<StoredGrainState?> ReadRowAsync(GrainStateKey key, CancellationToken cancellationToken) =>
        Database.ReadAsync(
            async (connection, ct) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText =
                    "SELECT payload, schema_version, version, record_exists FROM grain_state " +
                    "WHERE grain_type = $type AND grain_key = $key AND state_name = $state";
                AddKey(command, key);
                using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                return await reader.ReadAsync(ct).ConfigureAwait(false)
                    ? new StoredGrainState(reader.GetString(0), reader.GetInt32(1), reader.GetInt64(2), reader.GetInt64(3) != 0)
                    : null;
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task<RowChangeResult> ChangeRowAsync(RowChange change, CancellationToken cancellationToken) =>
        Database.WriteAsync(
            (connection, transaction) =>
            {
                // One conditional statement checks the version and writes (inside the BEGIN IMMEDIATE transaction, so no
                // other writer can come between): it returns the new version, or no row when the stored version is not
                // the expected one; only then is the stored version read, for the conflict's report.
                var command = Database.Command(transaction, change.ExpectedVersion == 0 ? InsertNewRow : UpdateAtVersion);
                AddKey(command, change.Key);
                command.Parameters.AddWithValue("$payload", PayloadBytes(change.Json));
                command.Parameters.AddWithValue("$schema", StateJson.SchemaVersion);
                command.Parameters.AddWithValue("$expected", change.ExpectedVersion);
                command.Parameters.AddWithValue("$exists", change.RecordExists ? 1 : 0);
                command.Parameters.AddWithValue("$now", _timeProvider.GetUtcNow().ToUnixTimeMilliseconds());
                using (var reader = command.ExecuteReader())
                {
                    if (reader.Read())
                    {
                        return RowChangeResult.Done(reader.GetInt64(0));
                    }
                }

                return RowChangeResult.Conflict(ReadStoredVersion(transaction, change.Key));
            },
            cancellationToken);

    /// <inheritdoc />
    protected override StoreFailureKind ClassifyFailure(Exception exception) => SqliteFailures.Classify(exception);

    // Microsoft.Data.Sqlite binds a blob from an array: the serializer's own array when the payload spans all of it
    // (System.Text.Json's output does), else a copy.
    private static byte[] PayloadBytes(ReadOnlyMemory<byte> json) =>
        MemoryMarshal.TryGetArray(json, out var segment) && segment.Offset == 0 && segment.Count == segment.Array!.Length
            ? segment.Array
            : json.ToArray();

    /// <inheritdoc />
    protected override void OnETagConflict(GrainStateKey key, string? storedETag, string? carriedETag) =>
        LogETagConflict(Name, key, storedETag, carriedETag);

    /// <inheritdoc />
    protected override void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception) =>
        LogStoreFailure(exception, Name, Database.FilePath, operation, kind);

    private static SqliteGrainStorageOptions Validated(SqliteGrainStorageOptions options, string name)
    {
        var failures = SqliteOptionsRules.Check(options, nameof(SqliteGrainStorageOptions), $"grain storage '{name}'");
        return failures.Count == 0 ? options : throw new ArgumentException(string.Join(" ", failures), nameof(options));
    }

    private static void AddKey(SqliteCommand command, GrainStateKey key)
    {
        command.Parameters.AddWithValue("$type", key.GrainType);
        command.Parameters.AddWithValue("$key", key.GrainKey);
        command.Parameters.AddWithValue("$state", key.StateName);
    }

    private long? ReadStoredVersion(SqliteTransaction transaction, GrainStateKey key)
    {
        var command = Database.Command(transaction, "SELECT version FROM grain_state WHERE grain_type = $type AND grain_key = $key AND state_name = $state");
        AddKey(command, key);
        using var reader = command.ExecuteReader();
        return reader.Read() ? reader.GetInt64(0) : null;
    }

    [LoggerMessage(EventId = 7010, EventName = "SqliteETagConflict", Level = LogLevel.Debug,
        Message = "Grain storage {Provider}: ETag conflict on {Key}: stored {StoredETag}, carried {CarriedETag}")]
    private partial void LogETagConflict(string provider, GrainStateKey key, string? storedETag, string? carriedETag);

    [LoggerMessage(EventId = 7011, EventName = "SqliteGrainStorageFailed", Level = LogLevel.Warning,
        Message = "Grain storage {Provider} (file {FilePath}): {Operation} failed, reported as {Kind}")]
    private partial void LogStoreFailure(Exception exception, string provider, string filePath, string operation, StoreFailureKind kind);
}
