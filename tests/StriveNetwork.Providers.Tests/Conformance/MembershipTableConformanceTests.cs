using System.Net;

namespace StriveNetwork.Providers.Tests.Conformance;

/// <summary>
/// Orleans' <see cref="IMembershipTable"/> contract, on the cases of Orleans' own MembershipTableTestsBase (read of an
/// empty table, insert, duplicate insert, stale row and table ETags, parallel inserts and updates, heartbeats, cleanup
/// of defunct silos, deletion of a cluster) and a few it leaves implicit (a version that must go up, exact read-back,
/// cluster isolation). One subclass per store; every test gets a fresh, empty store and a fresh cluster id.
/// </summary>
public abstract class MembershipTableConformanceTests : IAsyncLifetime
{
    private static int _generation;
    private readonly CancellationTokenSource _timeout = new(TimeSpan.FromMinutes(2));
    private IMembershipTable? _table;

    /// <summary>This test's cluster.</summary>
    protected string ClusterId { get; } = "cluster-" + Guid.NewGuid().ToString("N")[..8];

    /// <summary>Bounds every call of a test.</summary>
    protected CancellationToken Ct => _timeout.Token;

    /// <summary>The table under test, initialized for <see cref="ClusterId"/>.</summary>
    protected IMembershipTable Table => _table ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A table for <paramref name="clusterId"/> on this test's store (the same store on every call), not initialized.</summary>
    protected abstract Task<IMembershipTable> CreateTableAsync(string clusterId);

    /// <summary>Disposes the tables and deletes the store.</summary>
    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync()
    {
        _table = await CreateTableAsync(ClusterId);
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
        // Initializing again (every silo does) changes nothing.
        await _table.InitializeMembershipTableAsync(tryInitTableVersion: true, Ct);
    }

    public async Task DisposeAsync()
    {
        _timeout.Dispose();
        await DisposeStoreAsync();
    }

    /// <summary>A new silo's entry, as a joining silo writes it, with every field set and times below a microsecond.</summary>
    protected static MembershipEntry NewEntry(SiloStatus status = SiloStatus.Joining, DateTime? time = null)
    {
        var silo = SiloAddress.New(IPAddress.Loopback, 11111, Interlocked.Increment(ref _generation));
        var at = time ?? new DateTime(2030, 1, 2, 3, 4, 5, DateTimeKind.Utc).AddTicks(1_234_567);
        return new MembershipEntry
        {
            SiloAddress = silo,
            Status = status,
            ProxyPort = 30000,
            HostName = "host-1",
            SiloName = "silo-" + silo.Generation,
            RoleName = "strive",
            UpdateZone = 3,
            FaultZone = 4,
            StartTime = at,
            IAmAliveTime = at.AddSeconds(1),
            SuspectTimes = [],
        };
    }

    [Fact]
    public async Task ReadAll_OfAnEmptyTable_IsVersionZeroWithAnETag()
    {
        var data = await Table.ReadAllAsync(Ct);

        Assert.Empty(data.Members);
        Assert.Equal(0, data.Version.Version);
        Assert.False(string.IsNullOrEmpty(data.Version.VersionEtag));
        var row = await Table.ReadRowAsync(NewEntry().SiloAddress, Ct);
        Assert.Empty(row.Members);
        Assert.Equal(data.Version, row.Version);
    }

    [Fact]
    public async Task InsertRow_AddsTheRow_AndMovesTheVersionAndItsETag()
    {
        var before = await Table.ReadAllAsync(Ct);
        var entry = NewEntry();
        entry.SuspectTimes = [Tuple.Create(NewEntry().SiloAddress, entry.StartTime.AddSeconds(2)), Tuple.Create(NewEntry().SiloAddress, entry.StartTime.AddSeconds(3))];

        Assert.True(await Table.InsertRowAsync(entry, before.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, etag) = Assert.Single(after.Members);
        Assert.False(string.IsNullOrEmpty(etag));
        Assert.Equal(Canonical(entry), Canonical(stored));
        // ReadRow reads the same row and version.
        var row = await Table.ReadRowAsync(entry.SiloAddress, Ct);
        Assert.Equal(after.Version, row.Version);
        Assert.Equal(etag, Assert.Single(row.Members).Item2);
        Assert.Equal(Canonical(entry), Canonical(row.Members[0].Item1));
    }

    [Fact]
    public async Task InsertRow_OfASiloThatHasARow_FailsAndChangesNothing()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        var changed = NewEntry(SiloStatus.Active);
        changed.SiloAddress = entry.SiloAddress;
        Assert.False(await Table.InsertRowAsync(changed, before.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Canonical(entry), Canonical(Assert.Single(after.Members).Item1));
    }

    [Fact]
    public async Task InsertRow_WithAStaleTableVersion_FailsAndChangesNothing()
    {
        var first = await Table.ReadAllAsync(Ct);
        Assert.True(await Table.InsertRowAsync(NewEntry(), first.Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        // The first read's version again: its ETag is the old one.
        var late = NewEntry();
        Assert.False(await Table.InsertRowAsync(late, first.Version.Next(), Ct));
        Assert.False(await Table.InsertRowAsync(late, new TableVersion(first.Version.Version + 2, first.Version.VersionEtag), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Single(after.Members);
        Assert.Empty((await Table.ReadRowAsync(late.SiloAddress, Ct)).Members);
    }

    [Fact]
    public async Task InsertRow_WithTheCurrentETagButNoHigherVersion_Fails()
    {
        Assert.True(await Table.InsertRowAsync(NewEntry(), (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var current = (await Table.ReadAllAsync(Ct)).Version;

        Assert.False(await Table.InsertRowAsync(NewEntry(), current, Ct));
        Assert.False(await Table.InsertRowAsync(NewEntry(), new TableVersion(current.Version - 1, current.VersionEtag), Ct));

        Assert.Equal(current, (await Table.ReadAllAsync(Ct)).Version);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("x")]
    [InlineData("01")]
    [InlineData("*")]
    public async Task InsertAndUpdate_WithAMalformedTableETag_Fail(string? etag)
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);
        var malformed = new TableVersion(before.Version.Version + 1, etag!);

        Assert.False(await Table.InsertRowAsync(NewEntry(), malformed, Ct));
        entry.Status = SiloStatus.Active;
        Assert.False(await Table.UpdateRowAsync(entry, before.Members[0].Item2, malformed, Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(SiloStatus.Joining, Assert.Single(after.Members).Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_WithCurrentETags_ReplacesTheRowAndMovesBothETags()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);
        var rowETag = before.Members[0].Item2;

        var changed = NewEntry(SiloStatus.Active);
        changed.SiloAddress = entry.SiloAddress;
        changed.SiloName = "renamed";
        changed.RoleName = null!;
        changed.HostName = null!;
        changed.SuspectTimes = [Tuple.Create(NewEntry().SiloAddress, changed.StartTime.AddMinutes(1))];
        changed.IAmAliveTime = entry.IAmAliveTime.AddMinutes(5);
        Assert.True(await Table.UpdateRowAsync(changed, rowETag, before.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version.Version + 1, after.Version.Version);
        Assert.NotEqual(before.Version.VersionEtag, after.Version.VersionEtag);
        var (stored, newRowETag) = Assert.Single(after.Members);
        Assert.NotEqual(rowETag, newRowETag);
        Assert.Equal(Canonical(changed), Canonical(stored));
    }

    [Fact]
    public async Task UpdateRow_WithAStaleRowETag_FailsAndChangesNothing()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var first = await Table.ReadAllAsync(Ct);
        var staleRowETag = first.Members[0].Item2;
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, staleRowETag, first.Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        // The table version is current, the row ETag is not: another silo changed the row since it was read.
        var late = NewEntry(SiloStatus.Dead);
        late.SiloAddress = entry.SiloAddress;
        Assert.False(await Table.UpdateRowAsync(late, staleRowETag, before.Version.Next(), Ct));
        Assert.False(await Table.UpdateRowAsync(late, "not-an-etag", before.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(before.Members[0].Item2, after.Members[0].Item2);
        Assert.Equal(SiloStatus.Active, after.Members[0].Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_WithAStaleTableVersion_FailsAndChangesNothing()
    {
        var entry = NewEntry();
        var other = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var read = await Table.ReadAllAsync(Ct);
        // Another silo joins: the table version moves on, this silo's row does not change.
        Assert.True(await Table.InsertRowAsync(other, read.Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        entry.Status = SiloStatus.Dead;
        Assert.False(await Table.UpdateRowAsync(entry, read.Members[0].Item2, read.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(SiloStatus.Joining, after.TryGet(entry.SiloAddress)!.Item1.Status);
        // Read again, the same change goes through.
        Assert.True(await Table.UpdateRowAsync(entry, after.TryGet(entry.SiloAddress)!.Item2, after.Version.Next(), Ct));
        Assert.Equal(SiloStatus.Dead, (await Table.ReadRowAsync(entry.SiloAddress, Ct)).Members[0].Item1.Status);
    }

    [Fact]
    public async Task UpdateRow_OfASiloWithoutARow_FailsAndChangesNothing()
    {
        Assert.True(await Table.InsertRowAsync(NewEntry(), (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);

        Assert.False(await Table.UpdateRowAsync(NewEntry(SiloStatus.Active), before.Members[0].Item2, before.Version.Next(), Ct));

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        Assert.Equal(Canonical(before.Members[0].Item1), Canonical(Assert.Single(after.Members).Item1));
    }

    [Fact]
    public async Task ConcurrentInserts_OfOneSilo_ExactlyOneWins()
    {
        var version = (await Table.ReadAllAsync(Ct)).Version.Next();
        var entry = NewEntry();

        var results = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => Table.InsertRowAsync(entry, version, Ct))));

        Assert.Single(results, ok => ok);
        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(1, after.Version.Version);
        Assert.Single(after.Members);
    }

    [Fact]
    public async Task ConcurrentInserts_OfDifferentSilos_WithOneTableVersion_ExactlyOneWins()
    {
        var version = (await Table.ReadAllAsync(Ct)).Version.Next();
        var entries = Enumerable.Range(0, 20).Select(_ => NewEntry()).ToArray();

        var results = await Task.WhenAll(entries.Select(e => Task.Run(() => Table.InsertRowAsync(e, version, Ct))));

        var winner = entries[Array.IndexOf(results, true)];
        Assert.Single(results, ok => ok);
        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(1, after.Version.Version);
        Assert.Equal(winner.SiloAddress, Assert.Single(after.Members).Item1.SiloAddress);
    }

    [Fact]
    public async Task ConcurrentUpdates_RetryingOnRefusal_EachApplyOnce_AndTheVersionCountsThem()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        var attempts = 0;

        // 19 writers, each reading and retrying until its update is applied (as Orleans' membership agents do).
        var workers = Enumerable.Range(1, 19).Select(worker => Task.Run(async () =>
        {
            while (true)
            {
                timeout.Token.ThrowIfCancellationRequested();
                Assert.True(Interlocked.Increment(ref attempts) < 10_000, "Too many attempts.");
                var read = await Table.ReadAllAsync(Ct);
                var (current, etag) = read.TryGet(entry.SiloAddress)!;
                current.UpdateZone += 1;
                if (await Table.UpdateRowAsync(current, etag, read.Version.Next(), Ct))
                {
                    return;
                }
            }
        }));
        await Task.WhenAll(workers);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(20, after.Version.Version);
        // No update was lost: each one saw the previous one's result.
        Assert.Equal(entry.UpdateZone + 19, Assert.Single(after.Members).Item1.UpdateZone);
    }

    [Fact]
    public async Task TheVersion_GoesUpByOneWithEveryAppliedChange_AndStaysOnRefusals()
    {
        var versions = new List<TableVersion> { (await Table.ReadAllAsync(Ct)).Version };
        var entries = new List<MembershipEntry>();
        for (var i = 0; i < 6; i++)
        {
            var read = await Table.ReadAllAsync(Ct);
            if (i % 2 == 0)
            {
                var entry = NewEntry();
                entries.Add(entry);
                Assert.True(await Table.InsertRowAsync(entry, read.Version.Next(), Ct));
                Assert.False(await Table.InsertRowAsync(NewEntry(), read.Version.Next(), Ct));
            }
            else
            {
                var (current, etag) = read.TryGet(entries[^1].SiloAddress)!;
                current.Status = SiloStatus.Active;
                Assert.True(await Table.UpdateRowAsync(current, etag, read.Version.Next(), Ct));
                Assert.False(await Table.UpdateRowAsync(current, etag, read.Version.Next(), Ct));
            }

            var all = await Table.ReadAllAsync(Ct);
            versions.Add(all.Version);
            foreach (var member in all.Members)
            {
                Assert.Equal(all.Version, (await Table.ReadRowAsync(member.Item1.SiloAddress, Ct)).Version);
            }
        }

        Assert.Equal(Enumerable.Range(0, 7), versions.Select(v => v.Version));
        Assert.Equal(versions.Count, versions.Select(v => v.VersionEtag).Distinct().Count());
    }

    [Fact]
    public async Task UpdateIAmAlive_WritesOnlyTheHeartbeat_AndLeavesBothETagsUsable()
    {
        var entry = NewEntry();
        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        var before = await Table.ReadAllAsync(Ct);
        var rowETag = before.Members[0].Item2;
        var alive = entry.IAmAliveTime.AddMinutes(10).AddTicks(5);

        // What Orleans' heartbeat passes: the silo and the time, nothing else.
        await Table.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = alive }, Ct);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(before.Version, after.Version);
        var (stored, etagAfter) = Assert.Single(after.Members);
        Assert.Equal(rowETag, etagAfter);
        Assert.Equal(Microseconds(alive), stored.IAmAliveTime);
        Assert.Equal(Canonical(entry) with { IAmAliveTime = stored.IAmAliveTime }, Canonical(stored));

        // The inputs read before the heartbeat still update the row, and the heartbeat is not moved back by that
        // older copy of the row.
        entry.Status = SiloStatus.Active;
        Assert.True(await Table.UpdateRowAsync(entry, rowETag, before.Version.Next(), Ct));
        var updated = Assert.Single((await Table.ReadAllAsync(Ct)).Members).Item1;
        Assert.Equal(SiloStatus.Active, updated.Status);
        Assert.Equal(Microseconds(alive), updated.IAmAliveTime);
    }

    [Fact]
    public async Task UpdateIAmAlive_OfASiloWithoutARow_Throws()
    {
        // Nothing to keep alive: the silo's row is gone (cleaned up, or its cluster deleted).
        await Assert.ThrowsAsync<OrleansException>(() => Table.UpdateIAmAliveAsync(NewEntry(), Ct));

        Assert.Empty((await Table.ReadAllAsync(Ct)).Members);
    }

    [Fact]
    public async Task CleanupDefunctSiloEntries_RemovesOnlyDeadRowsLastUpdatedBeforeTheDate()
    {
        var now = new DateTime(2030, 6, 1, 12, 0, 0, DateTimeKind.Utc);
        var old = now.AddDays(-10);
        var oldDead = NewEntry(SiloStatus.Dead, old);
        // Dead, with an old heartbeat, but declared dead recently: the vote keeps it.
        var recentlyDeclaredDead = NewEntry(SiloStatus.Dead, old);
        recentlyDeclaredDead.SuspectTimes = [Tuple.Create(NewEntry().SiloAddress, now.AddHours(-1))];
        var recentDead = NewEntry(SiloStatus.Dead, now.AddHours(-2));
        var kept = new List<MembershipEntry> { recentlyDeclaredDead, recentDead };
        foreach (var status in Enum.GetValues<SiloStatus>().Where(s => s is not SiloStatus.None and not SiloStatus.Dead))
        {
            kept.Add(NewEntry(status, old));
        }

        foreach (var entry in kept.Append(oldDead))
        {
            Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        }

        var before = await Table.ReadAllAsync(Ct);

        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(now.AddDays(-3)), Ct);

        var after = await Table.ReadAllAsync(Ct);
        Assert.Equal(
            kept.Select(e => e.SiloAddress).OrderBy(a => a).ToArray(),
            after.Members.Select(m => m.Item1.SiloAddress).OrderBy(a => a).ToArray());
        Assert.Equal(before.Version, after.Version);
        // The remaining rows keep their ETags, so a silo holding them can still write.
        Assert.All(after.Members, m => Assert.Equal(before.TryGet(m.Item1.SiloAddress)!.Item2, m.Item2));
        // Again: nothing more to remove.
        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(now.AddDays(-3)), Ct);
        Assert.Equal(kept.Count, (await Table.ReadAllAsync(Ct)).Members.Count);
        // A later date reaches the recently dead ones, never a live one.
        await Table.CleanupDefunctSiloEntriesAsync(new DateTimeOffset(now), Ct);
        Assert.DoesNotContain((await Table.ReadAllAsync(Ct)).Members, m => m.Item1.Status == SiloStatus.Dead);
    }

    [Fact]
    public async Task DeleteMembershipTableEntries_RemovesThatClusterOnly_WhichThenStartsAgainAtVersionZero()
    {
        var other = await CreateTableAsync(ClusterId + "-other");
        await other.InitializeMembershipTableAsync(true, Ct);
        Assert.True(await Table.InsertRowAsync(NewEntry(), (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));
        Assert.True(await other.InsertRowAsync(NewEntry(), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));
        Assert.True(await other.InsertRowAsync(NewEntry(), (await other.ReadAllAsync(Ct)).Version.Next(), Ct));
        var otherBefore = await other.ReadAllAsync(Ct);

        await Table.DeleteMembershipTableEntriesAsync(ClusterId, Ct);

        var deleted = await Table.ReadAllAsync(Ct);
        Assert.Empty(deleted.Members);
        Assert.Equal(0, deleted.Version.Version);
        var otherAfter = await other.ReadAllAsync(Ct);
        Assert.Equal(otherBefore.Version, otherAfter.Version);
        Assert.Equal(2, otherAfter.Members.Count);
        // The deleted cluster accepts a first silo again, from the version it reads.
        Assert.True(await Table.InsertRowAsync(NewEntry(), deleted.Version.Next(), Ct));
        Assert.Equal(1, (await Table.ReadAllAsync(Ct)).Version.Version);
    }

    [Fact]
    public async Task Clusters_InOneStore_NeverSeeEachOthersRowsOrVersions()
    {
        var other = await CreateTableAsync(ClusterId + "-b");
        await other.InitializeMembershipTableAsync(true, Ct);
        var entry = NewEntry();

        Assert.True(await Table.InsertRowAsync(entry, (await Table.ReadAllAsync(Ct)).Version.Next(), Ct));

        var otherData = await other.ReadAllAsync(Ct);
        Assert.Empty(otherData.Members);
        Assert.Equal(0, otherData.Version.Version);
        Assert.Empty((await other.ReadRowAsync(entry.SiloAddress, Ct)).Members);
        // The same silo address may have a row in each cluster.
        Assert.True(await other.InsertRowAsync(entry, otherData.Version.Next(), Ct));
        await other.UpdateIAmAliveAsync(new MembershipEntry { SiloAddress = entry.SiloAddress, IAmAliveTime = entry.IAmAliveTime.AddHours(1) }, Ct);
        Assert.Equal(Microseconds(entry.IAmAliveTime), (await Table.ReadRowAsync(entry.SiloAddress, Ct)).Members[0].Item1.IAmAliveTime);
    }

    [Fact]
    public async Task Operations_WithACanceledToken_Throw()
    {
        using var canceled = new CancellationTokenSource();
        canceled.Cancel();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Table.ReadAllAsync(canceled.Token));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Table.InsertRowAsync(NewEntry(), new TableVersion(1, "1"), canceled.Token));
        Assert.Empty((await Table.ReadAllAsync(Ct)).Members);
    }

    /// <summary>Every field Orleans keeps in a row, compared as a value (times with the stores' microsecond precision).</summary>
    protected static CanonicalEntry Canonical(MembershipEntry entry) => new(
        entry.SiloAddress.ToParsableString(),
        entry.Status,
        entry.ProxyPort,
        entry.HostName,
        entry.SiloName,
        entry.RoleName,
        entry.UpdateZone,
        entry.FaultZone,
        Microseconds(entry.StartTime),
        Microseconds(entry.IAmAliveTime),
        string.Join(";", (entry.SuspectTimes ?? []).Select(v => $"{v.Item1.ToParsableString()}={Microseconds(v.Item2):O}")));

    /// <summary>The time as the stores keep it: UTC, whole microseconds.</summary>
    protected static DateTime Microseconds(DateTime value) =>
        new(value.Ticks - (value.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);

    /// <summary>A membership entry as values.</summary>
    protected sealed record CanonicalEntry(
        string Silo, SiloStatus Status, int ProxyPort, string? HostName, string? SiloName, string? RoleName,
        int UpdateZone, int FaultZone, DateTime StartTime, DateTime IAmAliveTime, string Suspects);
}
