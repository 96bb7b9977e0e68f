using System.Globalization;
using System.Runtime.ExceptionServices;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.Logging;

namespace StriveNetwork.Providers.Sqlite;

/// <summary>
/// One SQLite file as the providers of one process use it. SQLite has a single writer, so every write goes through one
/// long-lived connection, in <c>BEGIN IMMEDIATE</c> transactions (which also serialize against other processes on the
/// same file, with the busy timeout); writes that wait for the writer are committed together (group commit, see
/// <see cref="WriteAsync"/> and docs/adr/0015). Reads use pooled connections and, in WAL mode,
/// never wait for the writer. Grain storage and reminder table on the same path share one instance (reference counted),
/// so they never contend for the file's write lock inside one process.
/// </summary>
internal sealed partial class SqliteDatabase : IDisposable
{
    private static readonly Dictionary<string, SqliteDatabase> Shared = new(StringComparer.Ordinal);
    private static readonly Lock SharedLock = new();
    private static readonly IReadOnlyList<SchemaScript> Scripts = SchemaScript.Load(typeof(SqliteDatabase).Assembly);

    /// <summary>Most writes committed in one transaction (a bound on the transaction's size and on how long one commit holds the file).</summary>
    internal const int MaxGroupWrites = 256;

    /// <summary>Most distinct statements the writer keeps prepared (the providers' SQL is a small fixed set of constants).</summary>
    internal const int MaxPreparedStatements = 64;

    private const string Savepoint = "SAVEPOINT w";
    private const string ReleaseSavepoint = "RELEASE w";
    private const string RollbackToSavepoint = "ROLLBACK TO w";

    private readonly SemaphoreSlim _writeGate = new(1, 1);
    private readonly List<PendingWrite> _pending = [];
    private bool _committerRunning;
    private readonly AsyncOnce _open;
    private readonly ILogger _logger;
    private readonly TimeProvider _timeProvider;
    private readonly bool _durableCommits;
    private readonly TimeSpan _busyTimeout;
    private readonly string _connectionString;
    private readonly bool _shared;
    private SqliteConnection? _writer;

    // The writer's statements, prepared once and kept (docs/adr/0015, addendum): preparing the same SQL for every write
    // cost more than running it. Used by the committer only, under the write gate.
    private readonly Dictionary<string, SqliteCommand> _prepared = new(StringComparer.Ordinal);
    private int _references = 1;
    private bool _disposed;

    private SqliteDatabase(string filePath, SqliteStoreOptions options, ILogger logger, TimeProvider timeProvider, bool shared)
    {
        FilePath = filePath;
        _logger = logger;
        _timeProvider = timeProvider;
        _durableCommits = options.DurableCommits;
        _busyTimeout = options.BusyTimeout;
        _shared = shared;
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = filePath,
            // The file exists by then (created owner-only); never let SQLite create one with default permissions.
            Mode = SqliteOpenMode.ReadWrite,
            Pooling = true,
            // Microsoft.Data.Sqlite retries SQLITE_BUSY until the command timeout: this is the busy timeout for readers.
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
        _open = new AsyncOnce(OpenCoreAsync);
    }

    /// <summary>Full path of the database file.</summary>
    public string FilePath { get; }

    /// <summary>The process-wide instance for the options' file, created on first use; release it with <see cref="Release"/>.</summary>
    public static SqliteDatabase Acquire(SqliteStoreOptions options, ILogger logger, TimeProvider timeProvider)
    {
        var path = Path.GetFullPath(options.FilePath);
        lock (SharedLock)
        {
            if (Shared.TryGetValue(path, out var database))
            {
                database._references++;
                if (database._durableCommits != options.DurableCommits || database._busyTimeout != options.BusyTimeout)
                {
                    database.LogSettingsDiffer(path, database._durableCommits, database._busyTimeout);
                }

                return database;
            }

            database = new SqliteDatabase(path, options, logger, timeProvider, shared: true);
            Shared.Add(path, database);
            return database;
        }
    }

    /// <summary>An instance of its own, with its own writer, as another process would have (tests of cross-process writers).</summary>
    internal static SqliteDatabase OpenPrivate(SqliteStoreOptions options, ILogger logger, TimeProvider timeProvider) =>
        new(Path.GetFullPath(options.FilePath), options, logger, timeProvider, shared: false);

    /// <summary>Creates the folder and file if missing, opens the writer, sets WAL and applies the schema scripts (once).</summary>
    public Task OpenAsync(CancellationToken cancellationToken) => _open.RunAsync(cancellationToken);

    /// <summary>Runs <paramref name="read"/> on a pooled connection.</summary>
    public async Task<T> ReadAsync<T>(Func<SqliteConnection, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var connection = new SqliteConnection(_connectionString);
        await using (connection.ConfigureAwait(false))
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            return await read(connection, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Runs <paramref name="work"/> on the single writer inside a <c>BEGIN IMMEDIATE</c> transaction and completes once
    /// that transaction is committed (durably, with <c>synchronous=FULL</c>). Writes that arrive while another group is
    /// being committed are committed together, in arrival order, in one transaction (group commit: one fsync for the
    /// group instead of one per write), each inside its own <c>SAVEPOINT</c>: a write that throws is rolled back to its
    /// savepoint and fails alone, the others of its group commit. A failed <c>COMMIT</c> fails every write of the group,
    /// and none of them is stored. A write whose token is cancelled before it runs does not run.
    /// </summary>
    public async Task<T> WriteAsync<T>(Func<SqliteConnection, SqliteTransaction, T> work, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(work);
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        ObjectDisposedException.ThrowIf(_disposed, this);
        var write = new PendingWrite((connection, transaction) => work(connection, transaction), cancellationToken);
        bool startCommitter;
        lock (_pending)
        {
            _pending.Add(write);
            startCommitter = !_committerRunning;
            _committerRunning = true;
        }

        if (startCommitter)
        {
            // The committer runs off the caller's context (a grain's scheduler): it serves every writer of the file.
            _ = Task.Run(CommitPendingAsync, CancellationToken.None);
        }

        return (T)(await write.Done.Task.ConfigureAwait(false))!;
    }

    /// <summary>Commits groups of pending writes until none is left.</summary>
    private async Task CommitPendingAsync()
    {
        while (true)
        {
            List<PendingWrite> group;
            lock (_pending)
            {
                if (_pending.Count == 0)
                {
                    _committerRunning = false;
                    return;
                }

                var take = Math.Min(_pending.Count, MaxGroupWrites);
                group = _pending.GetRange(0, take);
                _pending.RemoveRange(0, take);
            }

            await _writeGate.WaitAsync().ConfigureAwait(false);
            try
            {
                CommitGroup(group);
            }
            catch (Exception exception)
            {
                foreach (var write in group)
                {
                    write.Done.TrySetException(exception);
                }
            }
            finally
            {
                _writeGate.Release();
            }
        }
    }

    private void CommitGroup(List<PendingWrite> group)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var writer = _writer!;
        var runnable = new List<PendingWrite>(group.Count);
        foreach (var write in group)
        {
            if (write.CancellationToken.IsCancellationRequested)
            {
                write.Done.TrySetCanceled(write.CancellationToken);
            }
            else
            {
                runnable.Add(write);
            }
        }

        if (runnable.Count == 0)
        {
            return;
        }

        // Microsoft.Data.Sqlite begins with BEGIN IMMEDIATE unless deferred: the file's write lock is taken up front,
        // so a check and the write that depends on it cannot interleave with another process.
        using var transaction = writer.BeginTransaction(deferred: false);
        var results = new object?[runnable.Count];
        var failures = new Exception?[runnable.Count];
        for (var i = 0; i < runnable.Count; i++)
        {
            // One savepoint name serves every write: each is released before the next begins.
            Command(transaction, Savepoint).ExecuteNonQuery();
            try
            {
                results[i] = runnable[i].Work(writer, transaction);
                Command(transaction, ReleaseSavepoint).ExecuteNonQuery();
            }
            catch (Exception exception)
            {
                failures[i] = exception;
                try
                {
                    Command(transaction, RollbackToSavepoint).ExecuteNonQuery();
                    Command(transaction, ReleaseSavepoint).ExecuteNonQuery();
                }
                catch (Exception)
                {
                    // Some errors (a full disk, an I/O error) make SQLite roll the whole transaction back: nothing of
                    // the group can commit then. Every write of the group fails, with the error that caused it.
                    ExceptionDispatchInfo.Throw(exception);
                }
            }
        }

        BeforeCommit?.Invoke();
        transaction.Commit();
        GroupCommits++;
        for (var i = 0; i < runnable.Count; i++)
        {
            if (failures[i] is { } failure)
            {
                runnable[i].Done.TrySetException(failure);
            }
            else
            {
                runnable[i].Done.TrySetResult(results[i]);
            }
        }
    }

    /// <summary>
    /// The writer's prepared command for <paramref name="sql"/>, in <paramref name="transaction"/>, with no parameters:
    /// for a write's work only (it runs on the committer), and not to be disposed (the database keeps it).
    /// </summary>
    internal SqliteCommand Command(SqliteTransaction transaction, string sql)
    {
        ArgumentNullException.ThrowIfNull(transaction);
        ArgumentException.ThrowIfNullOrEmpty(sql);
        if (!_prepared.TryGetValue(sql, out var command))
        {
            if (_prepared.Count >= MaxPreparedStatements)
            {
                throw new InvalidOperationException($"More than {MaxPreparedStatements} distinct statements on the SQLite writer: build SQL from constants, pass values as parameters.");
            }

            command = _writer!.CreateCommand();
            command.CommandText = sql;
            _prepared.Add(sql, command);
        }

        command.Transaction = transaction;
        command.Parameters.Clear();
        return command;
    }

    /// <summary>Writes queued for the committer and not yet taken into a group (tests).</summary>
    internal int PendingWrites
    {
        get
        {
            lock (_pending)
            {
                return _pending.Count;
            }
        }
    }

    /// <summary>Statements the writer holds prepared (tests).</summary>
    internal int PreparedStatements => _prepared.Count;

    /// <summary>Groups committed so far (tests).</summary>
    internal long GroupCommits { get; private set; }

    /// <summary>Runs just before each group's <c>COMMIT</c>, on the committer (tests: to fail a commit, or hold one while more writes queue).</summary>
    internal Action? BeforeCommit { get; set; }

    /// <summary>Runs SQL on the writer connection outside any transaction (tests: per-connection pragmas such as <c>max_page_count</c>).</summary>
    internal async Task<object?> ExecuteOnWriterAsync(string sql)
    {
        await OpenAsync(CancellationToken.None).ConfigureAwait(false);
        await _writeGate.WaitAsync().ConfigureAwait(false);
        try
        {
            using var command = _writer!.CreateCommand();
            command.CommandText = sql;
            return await command.ExecuteScalarAsync().ConfigureAwait(false);
        }
        finally
        {
            _writeGate.Release();
        }
    }

    /// <summary>Drops one reference; the last one closes the writer and the pooled readers.</summary>
    public void Release()
    {
        if (_shared)
        {
            lock (SharedLock)
            {
                if (--_references > 0)
                {
                    return;
                }

                Shared.Remove(FilePath);
            }
        }

        Dispose();
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _writeGate.Wait();
        try
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            foreach (var command in _prepared.Values)
            {
                command.Dispose();
            }

            _prepared.Clear();
            if (_writer is not null)
            {
                // Release pooled handles too, so the file can be moved or deleted (tests, backups, admin tools).
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

    private async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        var folder = Path.GetDirectoryName(FilePath);
        if (!string.IsNullOrEmpty(folder))
        {
            OwnerOnlyPaths.CreateDirectory(folder);
        }

        OwnerOnlyPaths.CreateFile(FilePath);
        var writer = new SqliteConnection(_connectionString);
        try
        {
            await writer.OpenAsync(cancellationToken).ConfigureAwait(false);
            using (var pragma = writer.CreateCommand())
            {
                // journal_mode is kept in the file; synchronous, busy_timeout and the cache are per connection. The
                // writer's page cache may grow to 64 MiB (SQLite's default is 2 MiB, which a store of a few thousand
                // partnerships outgrows: every update then reads its B-tree and overflow pages back with pread), and
                // the WAL is checkpointed every 10,000 pages instead of 1,000: a hot page rewritten many times between
                // checkpoints is copied into the database once (docs/adr/0015, last addendum).
                pragma.CommandText = "PRAGMA journal_mode=WAL";
                var mode = Convert.ToString(await pragma.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false), CultureInfo.InvariantCulture);
                if (!string.Equals(mode, "wal", StringComparison.OrdinalIgnoreCase))
                {
                    throw new InvalidOperationException($"The SQLite file {FilePath} cannot use WAL journaling (it reports '{mode}'); put it on a local file system.");
                }

                pragma.CommandText =
                    $"PRAGMA synchronous={(_durableCommits ? "FULL" : "NORMAL")}; " +
                    $"PRAGMA busy_timeout={(int)_busyTimeout.TotalMilliseconds}; " +
                    "PRAGMA cache_size=-65536; PRAGMA wal_autocheckpoint=10000;";
                await pragma.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }

            using (var transaction = writer.BeginTransaction(deferred: false))
            {
                var runner = new SqliteSchemaRunner(writer, transaction, $"The SQLite file {FilePath}", _timeProvider);
                var applied = await SchemaMigration.ApplyAsync(runner, Scripts, cancellationToken).ConfigureAwait(false);
                transaction.Commit();
                foreach (var script in applied)
                {
                    LogSchemaApplied(FilePath, script.Version, script.Name);
                }
            }
        }
        catch
        {
            await writer.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        _writer = writer;
        LogOpened(FilePath, Scripts[^1].Version, _durableCommits);
    }

    [LoggerMessage(EventId = 7000, EventName = "SqliteSchemaApplied", Level = LogLevel.Information,
        Message = "Applied schema script {Version} ({Name}) to SQLite file {FilePath}")]
    private partial void LogSchemaApplied(string filePath, int version, string name);

    [LoggerMessage(EventId = 7001, EventName = "SqliteOpened", Level = LogLevel.Information,
        Message = "Opened SQLite file {FilePath} (schema version {SchemaVersion}, WAL, durable commits {DurableCommits})")]
    private partial void LogOpened(string filePath, int schemaVersion, bool durableCommits);

    [LoggerMessage(EventId = 7002, EventName = "SqliteSharedFileSettingsDiffer", Level = LogLevel.Warning,
        Message = "SQLite file {FilePath} is shared by grain storage and reminders with different settings; the first opener's apply (DurableCommits {DurableCommits}, BusyTimeout {BusyTimeout})")]
    private partial void LogSettingsDiffer(string filePath, bool durableCommits, TimeSpan busyTimeout);

    /// <summary>A write waiting for the committer: its work, its caller's token and the caller's completion.</summary>
    private sealed class PendingWrite(Func<SqliteConnection, SqliteTransaction, object?> work, CancellationToken cancellationToken)
    {
        public Func<SqliteConnection, SqliteTransaction, object?> Work { get; } = work;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<object?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
    }
}
