using System.Globalization;
using Npgsql;
using Orleans.Storage;
using StriveNetwork.Providers.Postgres;

namespace StriveNetwork.Providers.Tests.Postgres;

/// <summary>
/// Group commit of PostgreSQL grain state writes (docs/adr/0015, addendum), as <see cref="Sqlite.SqliteGroupCommitTests"/>
/// for SQLite: writes queued while a group commits are committed together; a conflict fails only its own write; a
/// statement error fails only its own write; a failed commit or a killed connection fails and discards the whole
/// group. The grouping tests allow one group at a time and hold the first in <c>BeforeCommit</c> until the next
/// writes are queued, so the grouping is certain, not a matter of timing.
/// </summary>
public sealed class PostgresGroupCommitTests : IAsyncDisposable
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(60);
    private readonly string _schema = TestPostgres.NewSchemaName();
    private readonly PostgresGrainStorage _storage;
    private readonly TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _commits;

    public PostgresGroupCommitTests()
    {
        _storage = new PostgresGrainStorage("postgres-group", new PostgresGrainStorageOptions { ConnectionString = TestPostgres.ConnectionString, Schema = _schema });
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _storage.DisposeAsync();
        await TestPostgres.DropSchemaAsync(_schema);
    }

    [Fact]
    public async Task QueuedWrites_CommitAsOneGroup_AndAConflictFailsOnlyItself()
    {
        var a = await SeedAsync("a", 1);
        var holder = await HoldFirstCommitAsync();

        var first = Write("a", new Doc { Count = 2 }, a.ETag);
        var stale = Write("a", new Doc { Count = 3 }, a.ETag); // after `first` in the same group: its ETag is stale then
        var other = Write("b", new Doc { Count = 4 }, null);
        await ReleaseWhenQueuedAsync(3);

        await holder;
        await first;
        await Assert.ThrowsAsync<InconsistentStateException>(() => stale);
        await other;
        Assert.Equal(3, _storage.Groups.GroupCommits); // the seed, the holder, then one group of three
        Assert.Equal((2, "2"), await ReadAsync("a"));
        Assert.Equal((4, "1"), await ReadAsync("b"));
    }

    [Fact]
    public async Task QueuedWritesOfOneKey_ApplyInArrivalOrder()
    {
        var holder = await HoldFirstCommitAsync();

        // Each write carries the version the previous one will produce: only in arrival order do all of them apply.
        var writes = Enumerable.Range(1, 5).Select(n => Write("k", new Doc { Count = n }, n == 1 ? null : (n - 1).ToString(CultureInfo.InvariantCulture))).ToList();
        await ReleaseWhenQueuedAsync(5);

        await holder;
        await Task.WhenAll(writes);
        Assert.Equal((5, "5"), await ReadAsync("k"));
        Assert.Equal(2, _storage.Groups.GroupCommits);
    }

    [Fact]
    public async Task StatementError_FailsOnlyItsOwnWrite_AndTheOthersOfTheGroupCommit()
    {
        await SeedAsync("seed", 0);
        // A rule of the table that one write breaks: PostgreSQL aborts the group's transaction on that statement.
        await TestPostgres.ExecuteAsync($"ALTER TABLE \"{_schema}\".grain_state ADD CONSTRAINT refuse_bad CHECK (grain_key NOT LIKE '%bad%')");
        var holder = await HoldFirstCommitAsync();

        var before = Write("x", new Doc { Count = 1 }, null);
        var bad = Write("bad", new Doc { Count = 2 }, null);
        var after = Write("y", new Doc { Count = 3 }, null);
        await ReleaseWhenQueuedAsync(3);

        await holder;
        await before;
        await Assert.ThrowsAnyAsync<Exception>(() => bad);
        await after;
        Assert.Equal((1, "1"), await ReadAsync("x"));
        Assert.Null(await ReadAsync("bad"));
        Assert.Equal((3, "1"), await ReadAsync("y"));
    }

    [Fact]
    public async Task FailedCommit_FailsEveryWriteOfTheGroup_AndStoresNoneOfThem()
    {
        var a = await SeedAsync("a", 1);
        var holder = await HoldFirstCommitAsync(second: _ => throw new InvalidOperationException("commit refused (test)"));

        var writes = new[] { Write("a", new Doc { Count = 2 }, a.ETag), Write("b", new Doc { Count = 3 }, null), Write("c", new Doc { Count = 4 }, null) };
        await ReleaseWhenQueuedAsync(3);

        await holder;
        foreach (var write in writes)
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => write);
            Assert.Equal("commit refused (test)", ex.Message);
        }

        await AssertNothingOfTheGroupStoredAsync();
    }

    [Fact]
    public async Task KilledConnection_FailsEveryWriteOfTheGroup_AndStoresNoneOfThem()
    {
        var a = await SeedAsync("a", 1);
        var holder = await HoldFirstCommitAsync(second: async connection =>
            await TestPostgres.ExecuteAsync($"SELECT pg_terminate_backend({connection.ProcessID})"));

        var writes = new[] { Write("a", new Doc { Count = 2 }, a.ETag), Write("b", new Doc { Count = 3 }, null), Write("c", new Doc { Count = 4 }, null) };
        await ReleaseWhenQueuedAsync(3);

        await holder;
        foreach (var write in writes)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => write);
        }

        await AssertNothingOfTheGroupStoredAsync();
    }

    [Fact]
    public async Task CancelledBeforeItRuns_TheWriteDoesNotRun_AndTheOthersCommit()
    {
        var holder = await HoldFirstCommitAsync();
        using var cancel = new CancellationTokenSource();

        var cancelled = _storage.WriteStateAsync("s", GrainId.Create("t", "x"), new GrainState<Doc>(new Doc { Count = 1 }), cancel.Token);
        var kept = Write("y", new Doc { Count = 2 }, null);
        await ReleaseWhenQueuedAsync(2, beforeRelease: cancel.Cancel);

        await holder;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        await kept;
        Assert.Null(await ReadAsync("x"));
        Assert.Equal((2, "1"), await ReadAsync("y"));
    }

    [Fact]
    public async Task ConcurrentWritersWithOneETag_ExactlyOneWinsPerRound_UnderConcurrentGroups()
    {
        // The default: several groups commit at once. Each round, three writers per key race with the same ETag.
        const int Keys = 12;
        const int Rounds = 8;
        var states = new GrainState<Doc>[Keys];
        for (var k = 0; k < Keys; k++)
        {
            states[k] = await SeedAsync("key" + k, 0);
        }

        for (var round = 1; round <= Rounds; round++)
        {
            var attempts = new List<(int Key, GrainState<Doc> State, Task Write)>();
            for (var k = 0; k < Keys; k++)
            {
                for (var w = 0; w < 3; w++)
                {
                    var state = new GrainState<Doc>(new Doc { Count = (round * 10) + w }, states[k].ETag!);
                    attempts.Add((k, state, _storage.WriteStateAsync("s", GrainId.Create("t", "key" + k), state)));
                }
            }

            await Task.WhenAll(attempts.Select(a => a.Write.ContinueWith(static _ => { }, TaskScheduler.Default)));
            for (var k = 0; k < Keys; k++)
            {
                var ofKey = attempts.Where(a => a.Key == k).ToList();
                var winners = ofKey.Where(a => a.Write.IsCompletedSuccessfully).ToList();
                Assert.Single(winners);
                Assert.All(ofKey.Where(a => !a.Write.IsCompletedSuccessfully), a => Assert.IsType<InconsistentStateException>(a.Write.Exception!.InnerException));
                Assert.Equal((winners[0].State.State!.Count, (round + 1).ToString(CultureInfo.InvariantCulture)), await ReadAsync("key" + k));
                states[k] = winners[0].State;
            }
        }
    }

    private async Task AssertNothingOfTheGroupStoredAsync()
    {
        Assert.Equal((1, "1"), await ReadAsync("a"));
        Assert.Null(await ReadAsync("b"));
        Assert.Null(await ReadAsync("c"));
        // The storage is still usable: the failed group was rolled back, the next write commits.
        await Write("b", new Doc { Count = 5 }, null);
        Assert.Equal((5, "1"), await ReadAsync("b"));
    }

    private Task Write(string key, Doc doc, string? etag) =>
        _storage.WriteStateAsync("s", GrainId.Create("t", key), new GrainState<Doc>(doc, etag!));

    private async Task<GrainState<Doc>> SeedAsync(string key, int count)
    {
        var state = new GrainState<Doc>(new Doc { Count = count });
        await _storage.WriteStateAsync("s", GrainId.Create("t", key), state);
        return state;
    }

    private async Task<(int Count, string ETag)?> ReadAsync(string key)
    {
        var state = new GrainState<Doc>();
        await _storage.ReadStateAsync("s", GrainId.Create("t", key), state);
        return state.RecordExists ? (state.State!.Count, state.ETag!) : null;
    }

    /// <summary>
    /// One group at a time; starts a write whose group waits in BeforeCommit until released; <paramref name="second"/>
    /// runs before the next group's commit.
    /// </summary>
    private async Task<Task> HoldFirstCommitAsync(Func<NpgsqlConnection, Task>? second = null)
    {
        _storage.Groups.MaxConcurrentGroups = 1;
        _storage.Groups.BeforeCommit = async connection =>
        {
            var n = Interlocked.Increment(ref _commits);
            if (n == 1)
            {
                _holding.TrySetResult();
                await _release.Task.WaitAsync(Wait);
            }
            else if (n == 2 && second is not null)
            {
                await second(connection);
            }
        };
        var holder = Write("holder", new Doc { Count = 0 }, null);
        await _holding.Task.WaitAsync(Wait);
        return holder;
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> writes are queued behind the held group, then releases it.</summary>
    private async Task ReleaseWhenQueuedAsync(int count, Action? beforeRelease = null)
    {
        for (var i = 0; i < 600 && _storage.Groups.PendingWrites < count; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(count, _storage.Groups.PendingWrites);
        beforeRelease?.Invoke();
        _release.TrySetResult();
    }
}
