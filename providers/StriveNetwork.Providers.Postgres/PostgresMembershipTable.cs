using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// Orleans cluster membership in PostgreSQL (tables <c>membership_version</c> and <c>membership</c> in one schema, rows
/// keyed by cluster id), following Orleans' <see cref="IMembershipTable"/> contract: one table version with an ETag per
/// cluster, one row per silo with its own ETag, and inserts and updates that change the row and the table version
/// together or not at all. Register it with
/// <see cref="PostgresSiloBuilderExtensions.UsePostgresClustering(ISiloBuilder, Action{PostgresClusteringOptions})"/>.
/// </summary>
/// <remarks>
/// <para>
/// Concurrency: a change runs in one transaction that first ensures the cluster's version row exists, then updates it
/// with <c>WHERE etag = @expected AND version &lt; @new</c>, then inserts or updates the silo row (an update with
/// <c>WHERE etag = @rowETag</c>), and commits only when both statements changed one row. Writers of one cluster queue
/// on the version row's lock and re-check the condition once the lock is theirs (read committed does that for an
/// UPDATE), so of several writers carrying the same table ETag exactly one wins. Reads are one statement, so the rows
/// and the version come from one snapshot.
/// </para>
/// <para>
/// Heartbeats (<see cref="UpdateIAmAliveAsync"/>) change neither ETag, as the contract requires, and an update never
/// moves a silo's heartbeat backward (another silo's copy of the row may be older than its last heartbeat). A cluster
/// without a version row reads as version 0 with ETag "1", the values the first change creates it with.
/// </para>
/// </remarks>
public sealed partial class PostgresMembershipTable : IMembershipTable, IAsyncDisposable, IDisposable
{
    private const int InitialETag = 1;
    private readonly PostgresDatabase _database;
    private readonly ILogger _logger;
    private readonly string _members;
    private readonly string _versions;
    private int _disposed;

    /// <summary>Creates the table for one cluster; the schema is created or upgraded when Orleans initializes it.</summary>
    /// <param name="clusterId">The cluster id (<c>ClusterOptions.ClusterId</c>); rows of other clusters in the schema are never read.</param>
    /// <param name="options">The options; invalid ones throw <see cref="ArgumentException"/> naming the option.</param>
    /// <param name="logger">The logger.</param>
    /// <param name="timeProvider">The clock for the schema table.</param>
    public PostgresMembershipTable(string clusterId, PostgresClusteringOptions options, ILogger<PostgresMembershipTable>? logger = null, TimeProvider? timeProvider = null)
    {
        ValidateClusterId(clusterId);
        var failures = PostgresOptionsRules.Check(options, nameof(PostgresClusteringOptions), "the membership table");
        if (failures.Count > 0)
        {
            throw new ArgumentException(string.Join(" ", failures), nameof(options));
        }

        ClusterId = clusterId;
        _logger = logger ?? (ILogger)NullLogger.Instance;
        _database = new PostgresDatabase(options, _logger, timeProvider ?? TimeProvider.System);
        _members = $"{_database.QuotedSchema}.membership";
        _versions = $"{_database.QuotedSchema}.membership_version";
    }

    /// <summary>The cluster whose rows this table reads and writes.</summary>
    public string ClusterId { get; }

    /// <summary>The schema holding the tables.</summary>
    public string Schema => _database.Schema;

    private string Store => $"PostgreSQL membership table of cluster '{ClusterId}' ({_database.Location})";

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
    Task IMembershipTable.InitializeMembershipTable(bool tryInitTableVersion) => InitializeMembershipTableAsync(tryInitTableVersion, CancellationToken.None);

    /// <summary>
    /// Creates or upgrades the schema (a database that cannot be reached throws
    /// <see cref="GrainStorageUnavailableException"/> naming it) and, when <paramref name="tryInitTableVersion"/>, creates
    /// the cluster's version row (version 0) unless it exists.
    /// </summary>
    public Task InitializeMembershipTableAsync(bool tryInitTableVersion, CancellationToken cancellationToken) =>
        RunAsync("opening the store", async ct =>
        {
            if (tryInitTableVersion)
            {
                using var command = _database.DataSource.CreateCommand(EnsureVersionSql);
                command.Parameters.AddWithValue("cluster", ClusterId);
                await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            }

            return true;
        }, cancellationToken);

    /// <inheritdoc />
    Task<MembershipTableData> IMembershipTable.ReadAll() => ReadAllAsync(CancellationToken.None);

    /// <summary>Every silo row of the cluster and the table version, from one snapshot.</summary>
    public Task<MembershipTableData> ReadAllAsync(CancellationToken cancellationToken) =>
        RunAsync("read all", ct => ReadAsync(silo: null, ct), cancellationToken);

    /// <inheritdoc />
    Task<MembershipTableData> IMembershipTable.ReadRow(SiloAddress key) => ReadRowAsync(key, CancellationToken.None);

    /// <summary>The silo's row (none when it has no row) and the table version, from one snapshot.</summary>
    public Task<MembershipTableData> ReadRowAsync(SiloAddress key, CancellationToken cancellationToken)
    {
        var silo = PostgresMembershipRow.SiloText(key);
        return RunAsync($"read of silo {silo}", ct => ReadAsync(silo, ct), cancellationToken);
    }

    /// <inheritdoc />
    Task<bool> IMembershipTable.InsertRow(MembershipEntry entry, TableVersion tableVersion) => InsertRowAsync(entry, tableVersion, CancellationToken.None);

    /// <summary>
    /// Adds the silo's row (row ETag "1") and sets the table version to <paramref name="tableVersion"/>, both or neither.
    /// False when the silo has a row already, when the table ETag is not <see cref="TableVersion.VersionEtag"/>, or when
    /// the new version is not above the stored one.
    /// </summary>
    public Task<bool> InsertRowAsync(MembershipEntry entry, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var silo = PostgresMembershipRow.SiloText(entry.SiloAddress);
        return ChangeAsync(
            $"insert of silo {silo}",
            tableVersion,
            $"INSERT INTO {_members} (cluster_id, silo_address, status, proxy_port, host_name, silo_name, role_name, update_zone, " +
            "fault_zone, suspecting_silos, suspect_times, start_time, i_am_alive_time, last_update_at, etag) " +
            "VALUES (@cluster, @silo, @status, @proxy, @host, @name, @role, @update_zone, @fault_zone, @suspecters, @suspect_times, " +
            "@start, @alive, @last, 1) ON CONFLICT (cluster_id, silo_address) DO NOTHING",
            parameters => PostgresMembershipRow.Bind(parameters, entry),
            "the silo has a row already",
            cancellationToken);
    }

    /// <inheritdoc />
    Task<bool> IMembershipTable.UpdateRow(MembershipEntry entry, string etag, TableVersion tableVersion) => UpdateRowAsync(entry, etag, tableVersion, CancellationToken.None);

    /// <summary>
    /// Replaces the silo's row with <paramref name="entry"/> (bumping its ETag; the heartbeat only moves forward) and sets
    /// the table version to <paramref name="tableVersion"/>, both or neither. False when the silo has no row, when its
    /// row ETag is not <paramref name="etag"/>, or when the table version is stale as for <see cref="InsertRowAsync"/>.
    /// </summary>
    public Task<bool> UpdateRowAsync(MembershipEntry entry, string etag, TableVersion tableVersion, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        ArgumentNullException.ThrowIfNull(tableVersion);
        var silo = PostgresMembershipRow.SiloText(entry.SiloAddress);
        if (VersionETag.Parse(etag) is not long rowETag)
        {
            LogChangeRefused(ClusterId, $"update of silo {silo}", "the row ETag is malformed");
            return Task.FromResult(false);
        }

        return ChangeAsync(
            $"update of silo {silo}",
            tableVersion,
            $"UPDATE {_members} SET status = @status, proxy_port = @proxy, host_name = @host, silo_name = @name, role_name = @role, " +
            "update_zone = @update_zone, fault_zone = @fault_zone, suspecting_silos = @suspecters, suspect_times = @suspect_times, " +
            "start_time = @start, i_am_alive_time = greatest(i_am_alive_time, @alive), last_update_at = greatest(last_update_at, @last), " +
            "etag = etag + 1 WHERE cluster_id = @cluster AND silo_address = @silo AND etag = @row_etag",
            parameters =>
            {
                PostgresMembershipRow.Bind(parameters, entry);
                parameters.AddWithValue("row_etag", rowETag);
            },
            "the silo has no row or its ETag is stale",
            cancellationToken);
    }

    /// <inheritdoc />
    Task IMembershipTable.UpdateIAmAlive(MembershipEntry entry) => UpdateIAmAliveAsync(entry, CancellationToken.None);

    /// <summary>
    /// Writes the silo's heartbeat time; no ETag changes. Throws <see cref="OrleansException"/> when the silo has no row
    /// (it was removed, so there is nothing to keep alive).
    /// </summary>
    public Task UpdateIAmAliveAsync(MembershipEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var silo = PostgresMembershipRow.SiloText(entry.SiloAddress);
        var alive = PostgresMembershipRow.ToStoredTime(entry.IAmAliveTime);
        return RunAsync($"heartbeat of silo {silo}", async ct =>
        {
            using var command = _database.DataSource.CreateCommand(
                $"UPDATE {_members} SET i_am_alive_time = @alive, last_update_at = greatest(last_update_at, @alive) " +
                "WHERE cluster_id = @cluster AND silo_address = @silo");
            command.Parameters.AddWithValue("cluster", ClusterId);
            command.Parameters.AddWithValue("silo", silo);
            command.Parameters.AddWithValue("alive", alive);
            return await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false) == 1
                ? true
                : throw new OrleansException($"{Store}: heartbeat of silo {silo} failed. The silo has no row.");
        }, cancellationToken);
    }

    /// <inheritdoc />
    Task IMembershipTable.CleanupDefunctSiloEntries(DateTimeOffset beforeDate) => CleanupDefunctSiloEntriesAsync(beforeDate, CancellationToken.None);

    /// <summary>
    /// Deletes the cluster's rows of silos that are <see cref="SiloStatus.Dead"/> and whose latest start, heartbeat or
    /// vote time is before <paramref name="beforeDate"/>. The table version is left as it is (only dead rows go).
    /// </summary>
    public Task CleanupDefunctSiloEntriesAsync(DateTimeOffset beforeDate, CancellationToken cancellationToken) =>
        RunAsync("cleanup of defunct silos", async ct =>
        {
            using var command = _database.DataSource.CreateCommand(
                $"DELETE FROM {_members} WHERE cluster_id = @cluster AND status = @dead AND last_update_at < @before");
            command.Parameters.AddWithValue("cluster", ClusterId);
            command.Parameters.AddWithValue("dead", nameof(SiloStatus.Dead));
            command.Parameters.AddWithValue("before", beforeDate.UtcDateTime);
            var removed = await command.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            if (removed > 0)
            {
                LogDefunctRemoved(ClusterId, removed, beforeDate);
            }

            return removed;
        }, cancellationToken);

    /// <inheritdoc />
    Task IMembershipTable.DeleteMembershipTableEntries(string clusterId) => DeleteMembershipTableEntriesAsync(clusterId, CancellationToken.None);

    /// <summary>Deletes every row of <paramref name="clusterId"/> and its version row (one transaction); other clusters stay.</summary>
    public Task DeleteMembershipTableEntriesAsync(string clusterId, CancellationToken cancellationToken)
    {
        ValidateClusterId(clusterId);
        return RunAsync($"delete of cluster '{clusterId}'", async ct =>
        {
            // The version row first, the order every change takes its locks in, so a delete and a change never deadlock.
            // A batch without a transaction runs as one implicit transaction.
            using var batch = _database.DataSource.CreateBatch();
            var versions = new NpgsqlBatchCommand($"DELETE FROM {_versions} WHERE cluster_id = @cluster");
            versions.Parameters.AddWithValue("cluster", clusterId);
            var members = new NpgsqlBatchCommand($"DELETE FROM {_members} WHERE cluster_id = @cluster");
            members.Parameters.AddWithValue("cluster", clusterId);
            batch.BatchCommands.Add(versions);
            batch.BatchCommands.Add(members);
            await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);
            LogClusterDeleted(clusterId, members.RecordsAffected);
            return true;
        }, cancellationToken);
    }

    private string EnsureVersionSql =>
        $"INSERT INTO {_versions} (cluster_id, version, etag) VALUES (@cluster, 0, {InitialETag}) ON CONFLICT (cluster_id) DO NOTHING";

    private static void ValidateClusterId(string clusterId)
    {
        ArgumentException.ThrowIfNullOrEmpty(clusterId);
        if (clusterId.Contains('\0', StringComparison.Ordinal))
        {
            throw new ArgumentException("The cluster id must not contain U+0000 (PostgreSQL text cannot store it).", nameof(clusterId));
        }
    }

    private async Task<MembershipTableData> ReadAsync(string? silo, CancellationToken cancellationToken)
    {
        // One statement, one snapshot: the version and the rows are read atomically. The constant row keeps the version
        // in the result when the cluster has no silo rows (or no version row yet).
        using var command = _database.DataSource.CreateCommand(
            $"SELECT v.version, v.etag, {PostgresMembershipRow.Columns} FROM (SELECT @cluster::text AS cluster_id) k " +
            $"LEFT JOIN {_versions} v ON v.cluster_id = k.cluster_id " +
            $"LEFT JOIN {_members} m ON m.cluster_id = k.cluster_id" + (silo is null ? string.Empty : " AND m.silo_address = @silo"));
        command.Parameters.AddWithValue("cluster", ClusterId);
        if (silo is not null)
        {
            command.Parameters.AddWithValue("silo", silo);
        }

        var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        await using (reader.ConfigureAwait(false))
        {
            var rows = new List<Tuple<MembershipEntry, string>>();
            var version = new TableVersion(0, VersionETag.Format(InitialETag));
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                if (!reader.IsDBNull(0))
                {
                    version = new TableVersion(reader.GetInt32(0), VersionETag.Format(reader.GetInt64(1)));
                }

                if (!reader.IsDBNull(2))
                {
                    rows.Add(PostgresMembershipRow.Read(reader, 2));
                }
            }

            return new MembershipTableData(rows, version);
        }
    }

    /// <summary>
    /// Moves the table version on and changes one silo row in one transaction; commits only when both applied. The
    /// statements go in one batch (one round trip); a refused condition changes nothing and the transaction rolls back.
    /// </summary>
    private Task<bool> ChangeAsync(
        string operation,
        TableVersion tableVersion,
        string rowSql,
        Action<NpgsqlParameterCollection> bindRow,
        string rowRefusal,
        CancellationToken cancellationToken)
    {
        if (VersionETag.Parse(tableVersion.VersionEtag) is not long tableETag)
        {
            LogChangeRefused(ClusterId, operation, "the table ETag is malformed");
            return Task.FromResult(false);
        }

        return RunAsync(operation, async ct =>
        {
            var connection = await _database.DataSource.OpenConnectionAsync(ct).ConfigureAwait(false);
            await using (connection.ConfigureAwait(false))
            {
                var transaction = await connection.BeginTransactionAsync(ct).ConfigureAwait(false);
                await using (transaction.ConfigureAwait(false))
                {
                    using var batch = new NpgsqlBatch(connection, transaction);
                    var ensure = new NpgsqlBatchCommand(EnsureVersionSql);
                    ensure.Parameters.AddWithValue("cluster", ClusterId);
                    // Takes the version row's lock: every writer of the cluster queues here and re-checks the ETag once
                    // the lock is its own, so only one writer per ETag gets past this statement.
                    var advance = new NpgsqlBatchCommand(
                        $"UPDATE {_versions} SET version = @version, etag = etag + 1 " +
                        "WHERE cluster_id = @cluster AND etag = @etag AND version < @version");
                    advance.Parameters.AddWithValue("cluster", ClusterId);
                    advance.Parameters.AddWithValue("version", tableVersion.Version);
                    advance.Parameters.AddWithValue("etag", tableETag);
                    var row = new NpgsqlBatchCommand(rowSql);
                    row.Parameters.AddWithValue("cluster", ClusterId);
                    bindRow(row.Parameters);
                    batch.BatchCommands.Add(ensure);
                    batch.BatchCommands.Add(advance);
                    batch.BatchCommands.Add(row);
                    await batch.ExecuteNonQueryAsync(ct).ConfigureAwait(false);

                    var refusal = advance.RecordsAffected != 1 ? "the table version is stale (another change came first)"
                        : row.RecordsAffected != 1 ? rowRefusal
                        : null;
                    if (refusal is not null)
                    {
                        await transaction.RollbackAsync(ct).ConfigureAwait(false);
                        LogChangeRefused(ClusterId, operation, refusal);
                        return false;
                    }

                    await transaction.CommitAsync(ct).ConfigureAwait(false);
                    return true;
                }
            }
        }, cancellationToken);
    }

    private async Task<TResult> RunAsync<TResult>(string operation, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        try
        {
            await _database.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, operation) is { } translated)
        {
            throw translated;
        }
    }

    private Exception? Translate(Exception exception, string operation)
    {
        var kind = PostgresFailures.Classify(exception);
        if (kind == StoreFailureKind.None)
        {
            return null;
        }

        LogStoreFailure(exception, ClusterId, _database.Location, operation, kind);
        return StoreFailures.Translate(kind, Store, operation, exception);
    }

    [LoggerMessage(EventId = 7130, EventName = "PostgresMembershipTableFailed", Level = LogLevel.Warning,
        Message = "Membership table of cluster {ClusterId} ({Location}): {Operation} failed, reported as {Kind}")]
    private partial void LogStoreFailure(Exception exception, string clusterId, string location, string operation, StoreFailureKind kind);

    [LoggerMessage(EventId = 7131, EventName = "PostgresMembershipChangeRefused", Level = LogLevel.Debug,
        Message = "Membership table of cluster {ClusterId}: {Operation} refused: {Reason}")]
    private partial void LogChangeRefused(string clusterId, string operation, string reason);

    [LoggerMessage(EventId = 7132, EventName = "PostgresMembershipDefunctRemoved", Level = LogLevel.Information,
        Message = "Membership table of cluster {ClusterId}: removed {Count} dead silo rows last updated before {BeforeDate}")]
    private partial void LogDefunctRemoved(string clusterId, int count, DateTimeOffset beforeDate);

    [LoggerMessage(EventId = 7133, EventName = "PostgresMembershipClusterDeleted", Level = LogLevel.Warning,
        Message = "Membership table: deleted cluster {ClusterId} ({Count} silo rows)")]
    private partial void LogClusterDeleted(string clusterId, int count);
}
