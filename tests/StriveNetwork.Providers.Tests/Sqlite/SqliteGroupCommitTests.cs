using Orleans.Storage;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Providers.Tests.Sqlite;

/// <summary>
/// Group commit of the SQLite writer (docs/adr/0015): writes queued while a group commits are committed together in
/// arrival order, each in its own savepoint; a conflict fails only its own write; a failed commit fails and discards
/// the whole group. Each test holds the first group in <c>BeforeCommit</c> until the next writes are queued, so the
/// grouping is certain, not a matter of timing.
/// </summary>
public sealed class SqliteGroupCommitTests : IDisposable
{
    private readonly TempFolder _folder = new();
    private readonly SqliteGrainStorage _storage;
    private readonly ManualResetEventSlim _release = new();
    private readonly TaskCompletionSource _holding = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _commits;

    public SqliteGroupCommitTests()
    {
        _storage = new SqliteGrainStorage("sqlite-group", new SqliteGrainStorageOptions { FilePath = _folder.File("group.sqlite") });
    }

    public void Dispose()
    {
        _release.Set();
        _storage.Dispose();
        _release.Dispose();
        _folder.Dispose();
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
        Assert.Equal(3, _storage.Database.GroupCommits); // the seed, the holder, then one group of three
        Assert.Equal((2, "2"), await ReadAsync("a"));
        Assert.Equal((4, "1"), await ReadAsync("b"));
    }

    [Fact]
    public async Task QueuedWritesOfOneKey_ApplyInArrivalOrder()
    {
        var holder = await HoldFirstCommitAsync();

        // Each write carries the version the previous one will produce: only in arrival order do all of them apply.
        var writes = Enumerable.Range(1, 5).Select(n => Write("k", new Doc { Count = n }, n == 1 ? null : (n - 1).ToString(System.Globalization.CultureInfo.InvariantCulture))).ToList();
        await ReleaseWhenQueuedAsync(5);

        await holder;
        await Task.WhenAll(writes);
        Assert.Equal((5, "5"), await ReadAsync("k"));
        Assert.Equal(2, _storage.Database.GroupCommits);
    }

    [Fact]
    public async Task FailedCommit_FailsEveryWriteOfTheGroup_AndStoresNoneOfThem()
    {
        var a = await SeedAsync("a", 1);
        var holder = await HoldFirstCommitAsync(failSecond: true);

        var writes = new[] { Write("a", new Doc { Count = 2 }, a.ETag), Write("b", new Doc { Count = 3 }, null), Write("c", new Doc { Count = 4 }, null) };
        await ReleaseWhenQueuedAsync(3);

        await holder;
        foreach (var write in writes)
        {
            var ex = await Assert.ThrowsAsync<InvalidOperationException>(() => write);
            Assert.Equal("commit refused (test)", ex.Message);
        }

        Assert.Equal((1, "1"), await ReadAsync("a"));
        Assert.Null(await ReadAsync("b"));
        Assert.Null(await ReadAsync("c"));
        // The writer is still usable: the failed group was rolled back, the next write commits.
        await Write("b", new Doc { Count = 5 }, null);
        Assert.Equal((5, "1"), await ReadAsync("b"));
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
    public async Task TheWritersStatements_ArePreparedOnce_AndStayFew()
    {
        // First writes (insert), later writes (update at a version), a conflict (its report reads the stored version) and
        // a clear: the savepoint statements and these four, whatever the number of writes.
        var states = new List<GrainState<Doc>>();
        for (var i = 0; i < 20; i++)
        {
            states.Add(await SeedAsync($"k{i}", i));
        }

        var afterFirstWrites = _storage.Database.PreparedStatements;
        foreach (var (state, i) in states.Select((s, i) => (s, i)))
        {
            state.State = new Doc { Count = i + 100 };
            await _storage.WriteStateAsync("s", GrainId.Create("t", $"k{i}"), state);
        }

        await Assert.ThrowsAsync<InconsistentStateException>(() => Write("k0", new Doc { Count = 1 }, "1"));
        await _storage.ClearStateAsync("s", GrainId.Create("t", "k1"), states[1]);
        Assert.Equal((100 + 2, "2"), await ReadAsync("k2"));
        Assert.Null(await ReadAsync("k1"));
        Assert.Equal(afterFirstWrites + 2, _storage.Database.PreparedStatements); // + the update and the conflict's read
        Assert.InRange(_storage.Database.PreparedStatements, 1, 6);
    }

    [Fact]
    public async Task DistinctStatementsOnTheWriter_AreBounded()
    {
        await SeedAsync("a", 1);
        var tooMany = _storage.Database.WriteAsync(
            (_, transaction) =>
            {
                for (var i = 0; i <= SqliteDatabase.MaxPreparedStatements; i++)
                {
                    _storage.Database.Command(transaction, $"SELECT {i}");
                }

                return 0;
            },
            CancellationToken.None);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => tooMany);
        Assert.Contains($"More than {SqliteDatabase.MaxPreparedStatements} distinct statements", error.Message, StringComparison.Ordinal);
        Assert.Equal(SqliteDatabase.MaxPreparedStatements, _storage.Database.PreparedStatements);

        // The failed write was rolled back alone; the writer keeps working.
        await SeedAsync("b", 2);
        Assert.Equal((2, "1"), await ReadAsync("b"));
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

    /// <summary>Starts a write whose group blocks in BeforeCommit until released; with <paramref name="failSecond"/>, the next group's commit throws.</summary>
    private async Task<Task> HoldFirstCommitAsync(bool failSecond = false)
    {
        _storage.Database.BeforeCommit = () =>
        {
            var n = Interlocked.Increment(ref _commits);
            if (n == 1)
            {
                _holding.TrySetResult();
                Assert.True(_release.Wait(TimeSpan.FromSeconds(60)), "the test never released the held commit");
            }
            else if (n == 2 && failSecond)
            {
                throw new InvalidOperationException("commit refused (test)");
            }
        };
        var holder = Write("holder", new Doc { Count = 0 }, null);
        await _holding.Task.WaitAsync(TimeSpan.FromSeconds(60));
        return holder;
    }

    /// <summary>Waits (bounded) until <paramref name="count"/> writes are queued behind the held group, then releases it.</summary>
    private async Task ReleaseWhenQueuedAsync(int count, Action? beforeRelease = null)
    {
        for (var i = 0; i < 600 && _storage.Database.PendingWrites < count; i++)
        {
            await Task.Delay(50);
        }

        Assert.Equal(count, _storage.Database.PendingWrites);
        beforeRelease?.Invoke();
        _release.Set();
    }
}
