using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// Orleans reminder table in PostgreSQL (table <c>reminder</c> in one schema), durable across silo restarts. The
/// schema may be the grain storage's schema. Register it with
/// <see cref="PostgresSiloBuilderExtensions.UsePostgresReminderService(ISiloBuilder, Action{PostgresReminderTableOptions})"/>.
/// </summary>
public sealed partial class PostgresReminderTable : RowReminderTable, IAsyncDisposable, IDisposable
{
    private const string Columns = "grain_id, reminder_name, grain_hash, start_at, period, version";
    private readonly PostgresDatabase _database;
    private readonly ILogger _logger;
    private readonly string _table;
    private int _disposed;

    /// <summary>Creates the table for one Orleans service; the schema is created or upgraded at the application-services stage.</summary>
    /// <param name="serviceId">The cluster's service id (<c>ClusterOptions.ServiceId</c>).</param>
    /// <param name="options">The options; invalid ones throw <see cref="ArgumentException"/> naming the option.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for the schema table.</param>
    public PostgresReminderTable(string serviceId, PostgresReminderTableOptions options, ILogger<PostgresReminderTable>? logger = null, TimeProvider? timeProvider = null)
        : base(serviceId)
    {
        var failures = PostgresOptionsRules.Check(options, nameof(PostgresReminderTableOptions), "the reminder table");
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = new PostgresDatabase(options, _logger, timeProvider ?? TimeProvider.System);
        _table = $"{_database.QuotedSchema}.reminder";
    }

    /// <summary>The schema holding the table.</summary>
    public string Schema => _database.Schema;

    /// <inheritdoc />
    protected override string Store => $"PostgreSQL reminder table ({_database.Location})";

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
    protected override Task<IReadOnlyList<StoredReminder>> ReadRowsAsync(string grainId, CancellationToken cancellationToken) =>
        QueryAsync($"SELECT {Columns} FROM {_table} WHERE service_id = @service AND grain_id = @grain", c => c.Parameters.AddWithValue("grain", grainId), cancellationToken);

    /// <inheritdoc />
    protected override Task<IReadOnlyList<StoredReminder>> ReadRangeAsync(uint begin, uint end, bool wrapsAround, CancellationToken cancellationToken) =>
        QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE service_id = @service AND " +
            (wrapsAround ? "(grain_hash > @begin OR grain_hash <= @end)" : "grain_hash > @begin AND grain_hash <= @end"),
            c =>
            {
                c.Parameters.AddWithValue("begin", (long)begin);
                c.Parameters.AddWithValue("end", (long)end);
            },
            cancellationToken);

    /// <inheritdoc />
    protected override async Task<StoredReminder?> ReadRowAsync(string grainId, string reminderName, CancellationToken cancellationToken)
    {
        var rows = await QueryAsync(
            $"SELECT {Columns} FROM {_table} WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name",
            c =>
            {
                c.Parameters.AddWithValue("grain", grainId);
                c.Parameters.AddWithValue("name", reminderName);
            },
            cancellationToken).ConfigureAwait(false);
        return rows.Count > 0 ? rows[0] : null;
    }

    /// <inheritdoc />
    protected override async Task<long> UpsertRowAsync(StoredReminder row, CancellationToken cancellationToken)
    {
        using var command = _database.DataSource.CreateCommand(
            $"INSERT INTO {_table} AS r (service_id, grain_id, reminder_name, grain_hash, start_at, period, version) " +
            "VALUES (@service, @grain, @name, @hash, @start, @period, 1) " +
            "ON CONFLICT (service_id, grain_id, reminder_name) DO UPDATE SET grain_hash = excluded.grain_hash, " +
            "start_at = excluded.start_at, period = excluded.period, version = r.version + 1 RETURNING version");
        command.Parameters.AddWithValue("service", ServiceId);
        command.Parameters.AddWithValue("grain", row.GrainId);
        command.Parameters.AddWithValue("name", row.ReminderName);
        command.Parameters.AddWithValue("hash", (long)row.GrainHash);
        command.Parameters.AddWithValue("start", row.StartAt);
        command.Parameters.AddWithValue("period", row.Period);
        return (long)(await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false))!;
    }

    /// <inheritdoc />
    protected override async Task<bool> RemoveRowAsync(string grainId, string reminderName, long version, CancellationToken cancellationToken)
    {
        using var command = _database.DataSource.CreateCommand(
            $"DELETE FROM {_table} WHERE service_id = @service AND grain_id = @grain AND reminder_name = @name AND version = @version");
        command.Parameters.AddWithValue("service", ServiceId);
        command.Parameters.AddWithValue("grain", grainId);
        command.Parameters.AddWithValue("name", reminderName);
        command.Parameters.AddWithValue("version", version);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false) > 0;
    }

    /// <inheritdoc />
    protected override async Task ClearRowsAsync(CancellationToken cancellationToken)
    {
        using var command = _database.DataSource.CreateCommand($"DELETE FROM {_table} WHERE service_id = @service");
        command.Parameters.AddWithValue("service", ServiceId);
        await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    protected override StoreFailureKind ClassifyFailure(Exception exception) => PostgresFailures.Classify(exception);

    /// <inheritdoc />
    protected override void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception) =>
        LogStoreFailure(exception, _database.Location, operation, kind);

    private async Task<IReadOnlyList<StoredReminder>> QueryAsync(string sql, Action<NpgsqlCommand> bind, CancellationToken cancellationToken)
    {
        using var command = _database.DataSource.CreateCommand(sql);
        command.Parameters.AddWithValue("service", ServiceId);
        bind(command);
        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<StoredReminder>();
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                rows.Add(new StoredReminder(
                    reader.GetString(0),
                    reader.GetString(1),
                    (uint)reader.GetInt64(2),
                    reader.GetFieldValue<DateTime>(3),
                    reader.GetFieldValue<TimeSpan>(4),
                    reader.GetInt64(5)));
            }

            return rows;
        }
    }

    [LoggerMessage(EventId = 7120, EventName = "PostgresReminderTableFailed", Level = LogLevel.Warning,
        Message = "Reminder table ({Location}): {Operation} failed, reported as {Kind}")]
    private partial void LogStoreFailure(Exception exception, string location, string operation, StoreFailureKind kind);
}
