using Npgsql;

namespace StriveNetwork.Providers.Postgres;

/// <summary>
/// Group commit of grain state writes (docs/adr/0015, addendum): each write is one conditional statement (an INSERT
/// that does nothing on an existing row, or an UPDATE on the expected version) answering the new version, or no row
/// when its ETag check fails. Writes that arrive while <see cref="MaxConcurrentGroups"/> groups are committing wait
/// and are then sent together, up to <see cref="MaxGroupWrites"/> at a time, in one batch (one round trip) inside one
/// transaction: one commit, one WAL flush, for the whole group instead of one per write.
/// </summary>
/// <remarks>
/// <list type="bullet">
/// <item>Each write's ETag check stays its own: a write whose check fails answers no row and fails alone (the
/// storage reports the conflict); the others of its group commit.</item>
/// <item>A failed commit (or a lost connection) fails every write of the group, and the rollback stores none of them.</item>
/// <item>A statement that raises an error aborts the group's transaction in PostgreSQL: the group is rolled back and
/// its writes are run again one by one, each in its own transaction, so the faulty one fails alone. Errors of the
/// connection or the server (SQLSTATE classes 08, 53, 57, 58) are not retried: the whole group fails.</item>
/// <item>A group's statements run in key order (stable: writes of one key keep their arrival order), so concurrent
/// groups lock rows in the same order and do not deadlock each other.</item>
/// <item>A write whose cancellation token fires before its group runs does not run.</item>
/// </list>
/// </remarks>
internal sealed class PostgresGroupCommit(NpgsqlDataSource dataSource)
{
    /// <summary>The most writes in one group.</summary>
    internal const int MaxGroupWrites = 256;

    private readonly Queue<PendingWrite> _pending = new();
    private int _running;

    /// <summary>How many groups may commit at once (more overlap round trips; tests set 1 to make grouping certain).</summary>
    internal int MaxConcurrentGroups { get; set; } = 4;

    /// <summary>Writes queued and not yet taken into a group (tests).</summary>
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

    /// <summary>Groups committed so far (tests).</summary>
    internal long GroupCommits => Interlocked.Read(ref _groupCommits);

    private long _groupCommits;

    /// <summary>Runs just before each group's <c>COMMIT</c>, with the group's connection (tests: to fail a commit, kill the connection, or hold a group while more writes queue).</summary>
    internal Func<NpgsqlConnection, Task>? BeforeCommit { get; set; }

    /// <summary>
    /// Queues <paramref name="statement"/> (a statement answering one <c>bigint</c> column, the new version, or no row)
    /// and completes with its answer once its group is committed.
    /// </summary>
    /// <param name="order">The row the statement writes, as text (orders the group's statements).</param>
    public async Task<long?> WriteAsync(NpgsqlBatchCommand statement, string order, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(statement);
        cancellationToken.ThrowIfCancellationRequested();
        var write = new PendingWrite(statement, order, cancellationToken);
        bool startCommitter;
        lock (_pending)
        {
            _pending.Enqueue(write);
            startCommitter = _running < MaxConcurrentGroups;
            if (startCommitter)
            {
                _running++;
            }
        }

        if (startCommitter)
        {
            // Off the caller's context (a grain's scheduler): a committer serves every writer of the storage.
            _ = Task.Run(CommitPendingAsync, CancellationToken.None);
        }

        return await write.Done.Task.ConfigureAwait(false);
    }

    private async Task CommitPendingAsync()
    {
        while (true)
        {
            var group = new List<PendingWrite>();
            lock (_pending)
            {
                while (group.Count < MaxGroupWrites && _pending.TryDequeue(out var write))
                {
                    if (write.CancellationToken.IsCancellationRequested)
                    {
                        write.Done.TrySetCanceled(write.CancellationToken);
                    }
                    else
                    {
                        group.Add(write);
                    }
                }

                if (group.Count == 0)
                {
                    _running--;
                    return;
                }
            }

            await CommitGroupAsync(group).ConfigureAwait(false);
        }
    }

    private async Task CommitGroupAsync(List<PendingWrite> group)
    {
        // Stable: OrderBy keeps the arrival order of writes to one row.
        var ordered = group.Count == 1 ? group : [.. group.OrderBy(static w => w.Order, StringComparer.Ordinal)];
        try
        {
            var results = await RunAsync(ordered).ConfigureAwait(false);
            for (var i = 0; i < ordered.Count; i++)
            {
                ordered[i].Done.TrySetResult(results[i]);
            }
        }
        catch (StatementFailedException) when (ordered.Count > 1)
        {
            // Nothing of the group was stored (its transaction rolled back): each write again, alone.
            foreach (var write in ordered)
            {
                await CommitGroupAsync([write]).ConfigureAwait(false);
            }
        }
        catch (Exception exception)
        {
            var failure = exception is StatementFailedException statementFailed ? statementFailed.InnerException! : exception;
            foreach (var write in ordered)
            {
                write.Done.TrySetException(failure);
            }
        }
    }

    // One transaction, one batch: the answers of the statements in order; throws StatementFailedException when a
    // statement raised an error that a retry of the writes one by one can isolate.
    private async Task<long?[]> RunAsync(List<PendingWrite> group)
    {
        var connection = await dataSource.OpenConnectionAsync().ConfigureAwait(false);
        await using (connection.ConfigureAwait(false))
        {
            var transaction = await connection.BeginTransactionAsync().ConfigureAwait(false);
            await using (transaction.ConfigureAwait(false))
            {
                var results = new long?[group.Count];
                using (var batch = new NpgsqlBatch(connection, transaction))
                {
                    foreach (var write in group)
                    {
                        batch.BatchCommands.Add(write.Fresh());
                    }

                    try
                    {
                        var reader = await batch.ExecuteReaderAsync().ConfigureAwait(false);
                        await using (reader.ConfigureAwait(false))
                        {
                            for (var i = 0; i < group.Count; i++)
                            {
                                if (i > 0)
                                {
                                    await reader.NextResultAsync().ConfigureAwait(false);
                                }

                                if (await reader.ReadAsync().ConfigureAwait(false))
                                {
                                    results[i] = reader.GetInt64(0);
                                }
                            }
                        }
                    }
                    catch (PostgresException exception) when (!PostgresFailures.IsConnectionOrServer(exception))
                    {
                        throw new StatementFailedException(exception);
                    }
                }

                if (BeforeCommit is { } beforeCommit)
                {
                    await beforeCommit(connection).ConfigureAwait(false);
                }

                await transaction.CommitAsync().ConfigureAwait(false);
                Interlocked.Increment(ref _groupCommits);
                return results;
            }
        }
    }

    private sealed class PendingWrite(NpgsqlBatchCommand statement, string order, CancellationToken cancellationToken)
    {
        private readonly NpgsqlParameter[] _parameters = [.. statement.Parameters.Cast<NpgsqlParameter>()];

        public NpgsqlBatchCommand Statement { get; } = statement;

        public string Order { get; } = order;

        public CancellationToken CancellationToken { get; } = cancellationToken;

        public TaskCompletionSource<long?> Done { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        // The statement with its parameters, as a new command for a new batch.
        public NpgsqlBatchCommand Fresh()
        {
            var command = new NpgsqlBatchCommand(Statement.CommandText);
            foreach (var parameter in _parameters)
            {
                command.Parameters.Add(parameter.Clone());
            }

            return command;
        }
    }

    private sealed class StatementFailedException(PostgresException inner) : Exception(inner.Message, inner);
}
