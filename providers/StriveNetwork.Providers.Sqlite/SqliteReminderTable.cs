using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>
/// Orleans reminder table in a SQLite file (table <c>reminder</c>), durable across silo restarts. The file may be the
/// grain storage's file. Register it with
/// <see cref="SqliteSiloBuilderExtensions.UseSqliteReminderService(ISiloBuilder, Action{SqliteReminderTableOptions})"/>.
/// </summary>
public sealed partial class SqliteReminderTable : RowReminderTable, IDisposable
{
    private const string Columns = "grain_id, reminder_name, grain_hash, start_at, period, version";
    private readonly SqliteDatabase _database;
    private readonly ILogger _logger;
    private int _disposed;

    /// <summary>Creates the table for one Orleans service; the file is opened at the silo's application-services stage.</summary>
    /// <param name="serviceId">The cluster's service id (<c>ClusterOptions.ServiceId</c>).</param>
    /// <param name="options">The options; invalid ones throw <see cref="ArgumentException"/> naming the option.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for the schema table.</param>
    public SqliteReminderTable(string serviceId, SqliteReminderTableOptions options, ILogger<SqliteReminderTable>? logger = null, TimeProvider? timeProvider = null)
        : base(serviceId)
    {
        var failures = SqliteOptionsRules.Check(options, nameof(SqliteReminderTableOptions), "the reminder table");
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = SqliteDatabase.Acquire(options, _logger, timeProvider ?? TimeProvider.System);
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath => _database.FilePath;

    /// <inheritdoc />
    protected override string Store => $"SQLite reminder table (file {_database.FilePath})";

    /// <summary>The file this table writes (shared with other providers on the same path in this process).</summary>
    internal SqliteDatabase Database => _database;

    /// <inheritdoc />
    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _database.Release();
        }
    }

    /// <inheritdoc />
    protected override Task InitializeStoreAsync(CancellationToken cancellationToken) => _database.OpenAsync(cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<StoredReminder>> ReadRowsAsync(string grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM reminder WHERE service_id = $service AND grain_id = $grain", c => c.Parameters.AddWithValue("$grain", grainId), cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<StoredReminder>> ReadRangeAsync(uint begin, uint end, bool wrapsAround, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM reminder WHERE service_id = $service AND " +
            (wrapsAround ? "(grain_hash > $begin OR grain_hash <= $end)" : "grain_hash > $begin AND grain_hash <= $end"),
            c =>
            {
                c.Parameters.AddWithValue("$begin", (long)begin);
                c.Parameters.AddWithValue("$end", (long)end);
            },
            cancellationToken);

    /// <inheritdoc />
    protected override async Task<StoredReminder?> ReadRowAsync(string grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM reminder WHERE service_id = $service AND grain_id = $grain AND reminder_name = $name",
            c =>
            {
                c.Parameters.AddWithValue("$grain", grainId);
                c.Parameters.AddWithValue("$name", reminderName);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    protected override Task<long> UpsertRowAsync(StoredReminder row, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            (connection, transaction) =>
            {
                var command = _database.Command(
                    transaction,
                    "INSERT INTO reminder (service_id, grain_id, reminder_name, grain_hash, start_at, period, version) " +
                    "VALUES ($service, $grain, $name, $hash, $start, $period, 1) " +
                    "ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET grain_hash = excluded.grain_hash, " +
                    "start_at = excluded.start_at, period = excluded.period, version = reminder.version + 1 RETURNING version");
                command.Parameters.AddWithValue("$service", ServiceId);
                command.Parameters.AddWithValue("$grain", row.GrainId);
                command.Parameters.AddWithValue("$name", row.ReminderName);
                command.Parameters.AddWithValue("$hash", (long)row.GrainHash);
                command.Parameters.AddWithValue("$start", ToMicroseconds(row.StartAt - DateTime.UnixEpoch));
                command.Parameters.AddWithValue("$period", ToMicroseconds(row.Period));
                return (long)command.ExecuteScalar()!;
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task<bool> RemoveRowAsync(string grainId, string reminderName, long version, CancellationToken cancellationToken) =>
        _database.WriteAsync(
            (connection, transaction) =>
            {
                var command = _database.Command(
                    transaction,
                    "DELETE FROM reminder WHERE service_id = $service AND grain_id = $grain AND reminder_name = $name AND version = $version");
                command.Parameters.AddWithValue("$service", ServiceId);
                command.Parameters.AddWithValue("$grain", grainId);
                command.Parameters.AddWithValue("$name", reminderName);
                command.Parameters.AddWithValue("$version", version);
                return command.ExecuteNonQuery() > 0;
            },
            cancellationToken);

    /// <inheritdoc />
    protected override Task ClearRowsAsync(CancellationToken cancellationToken) =>
        _database.WriteAsync(
            (connection, transaction) =>
            {
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = "DELETE FROM reminder WHERE service_id = $service";
                command.Parameters.AddWithValue("$service", ServiceId);
                return command.ExecuteNonQuery();
            },
            cancellationToken);

    /// <inheritdoc />
    protected override StoreFailureKind ClassifyFailure(Exception exception) => SqliteFailures.Classify(exception);

    /// <inheritdoc />
    protected override void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception) =>
        LogStoreFailure(exception, _database.FilePath, operation, kind);

    private Task<IReadOnlyList<StoredReminder>> QueryAsync(string sql, Action<SqliteCommand> bind, CancellationToken cancellationToken) =>
        _database.ReadAsync<IReadOnlyList<StoredReminder>>(
            async (connection, ct) =>
            {
                using var command = connection.CreateCommand();
                command.CommandText = sql;
                command.Parameters.AddWithValue("$service", ServiceId);
                bind(command);
                using var reader = await command.ExecuteReaderAsync(ct).ConfigureAwait(false);
                var rows = new List<StoredReminder>();
                while (await reader.ReadAsync(ct).ConfigureAwait(false))
                {
                    rows.Add(new StoredReminder(
                        reader.GetString(0),
                        reader.GetString(1),
                        (uint)reader.GetInt64(2),
                        DateTime.UnixEpoch.AddTicks(reader.GetInt64(3) * TimeSpan.TicksPerMicrosecond),
                        TimeSpan.FromTicks(reader.GetInt64(4) * TimeSpan.TicksPerMicrosecond),
                        reader.GetInt64(5)));
                }

                return rows;
            },
            cancellationToken);

    [LoggerMessage(EventId = 7020, EventName = "SqliteReminderTableFailed", Level = LogLevel.Warning,
        Message = "Reminder table (file {FilePath}): {Operation} failed, reported as {Kind}")]
    private partial void LogStoreFailure(Exception exception, string filePath, string operation, StoreFailureKind kind);
}
