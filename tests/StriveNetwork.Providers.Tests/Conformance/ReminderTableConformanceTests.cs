namespace StriveNetwork.Providers.Tests.Conformance;

/// <summary>
/// The Orleans <see cref="IReminderTable"/> contract as the StriveNetwork providers keep it, run against every store by
/// one subclass each. Every test gets a fresh, empty store.
/// </summary>
public abstract class ReminderTableConformanceTests : IAsyncLifetime
{
    private IReminderTable? _table;

    /// <summary>The table under test, for service "svc-a".</summary>
    protected IReminderTable Table => _table ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>A table for <paramref name="serviceId"/> on this test's store (the same store on every call).</summary>
    protected abstract Task<IReminderTable> CreateTableAsync(string serviceId);

    /// <summary>Disposes the tables and deletes the store.</summary>
    protected abstract Task DisposeStoreAsync();

    public async Task InitializeAsync()
    {
        _table = await CreateTableAsync("svc-a");
        await _table.StartAsync(CancellationToken.None);
        // Starting is idempotent.
        await _table.StartAsync(CancellationToken.None);
    }

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static GrainId Grain(string key = "g1", string type = "remindable") => GrainId.Create(type, key);

    protected static ReminderEntry Entry(GrainId grain, string name = "r1", int periodSeconds = 60, DateTime? startAt = null) => new()
    {
        GrainId = grain,
        ReminderName = name,
        StartAt = startAt ?? new DateTime(2030, 1, 2, 3, 4, 5, 678, DateTimeKind.Utc).AddTicks(9_010),
        Period = TimeSpan.FromSeconds(periodSeconds),
    };

    [Fact]
    public async Task ReadRow_Missing_ReturnsNull()
    {
        Assert.Null(await Table.ReadRow(Grain(), "nope"));
        Assert.Empty((await Table.ReadRows(Grain())).Reminders);
        Assert.Empty((await Table.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task Upsert_New_ReturnsETag_AndReadsBackExactly()
    {
        var entry = Entry(Grain());

        var etag = await Table.UpsertRow(entry);

        Assert.Equal("1", etag);
        var read = await Table.ReadRow(Grain(), "r1");
        Assert.NotNull(read);
        Assert.Equal(Grain(), read.GrainId);
        Assert.Equal("r1", read.ReminderName);
        Assert.Equal(entry.StartAt, read.StartAt);
        Assert.Equal(DateTimeKind.Utc, read.StartAt.Kind);
        Assert.Equal(entry.Period, read.Period);
        Assert.Equal(etag, read.ETag);
    }

    [Fact]
    public async Task Upsert_Existing_ReplacesValuesWithNewETag_WhateverETagItCarries()
    {
        var first = await Table.UpsertRow(Entry(Grain()));
        var changed = Entry(Grain(), periodSeconds: 120, startAt: new DateTime(2031, 5, 6, 7, 8, 9, DateTimeKind.Utc));
        changed.ETag = "garbage";

        var second = await Table.UpsertRow(changed);

        Assert.NotEqual(first, second);
        var read = await Table.ReadRow(Grain(), "r1");
        Assert.NotNull(read);
        Assert.Equal(changed.StartAt, read.StartAt);
        Assert.Equal(TimeSpan.FromSeconds(120), read.Period);
        Assert.Equal(second, read.ETag);
        Assert.Single((await Table.ReadRows(Grain())).Reminders);
    }

    [Fact]
    public async Task Upsert_TimesAreUtcWithMicrosecondPrecision()
    {
        var local = new DateTime(2030, 6, 1, 12, 0, 0, DateTimeKind.Local);
        var unspecified = new DateTime(2030, 6, 1, 12, 0, 0, DateTimeKind.Unspecified);
        await Table.UpsertRow(Entry(Grain(), "local", startAt: local));
        await Table.UpsertRow(Entry(Grain(), "unspecified", startAt: unspecified));
        await Table.UpsertRow(new ReminderEntry { GrainId = Grain(), ReminderName = "ticks", StartAt = new DateTime(638_000_000_000_001_234, DateTimeKind.Utc), Period = TimeSpan.FromTicks(10_000_007) });

        Assert.Equal(local.ToUniversalTime(), (await Table.ReadRow(Grain(), "local"))!.StartAt);
        Assert.Equal(DateTime.SpecifyKind(unspecified, DateTimeKind.Utc), (await Table.ReadRow(Grain(), "unspecified"))!.StartAt);
        var ticks = (await Table.ReadRow(Grain(), "ticks"))!;
        Assert.Equal(new DateTime(638_000_000_000_001_230, DateTimeKind.Utc), ticks.StartAt);
        Assert.Equal(TimeSpan.FromTicks(10_000_000), ticks.Period);
    }

    [Fact]
    public async Task Remove_WithCurrentETag_RemovesTheRow()
    {
        var etag = await Table.UpsertRow(Entry(Grain()));

        Assert.True(await Table.RemoveRow(Grain(), "r1", etag!));

        Assert.Null(await Table.ReadRow(Grain(), "r1"));
        Assert.False(await Table.RemoveRow(Grain(), "r1", etag!));
    }

    [Theory]
    [InlineData("2")]
    [InlineData("0")]
    [InlineData("01")]
    [InlineData("garbage")]
    [InlineData("")]
    public async Task Remove_WithAnotherETag_ReturnsFalseAndKeepsTheRow(string etag)
    {
        await Table.UpsertRow(Entry(Grain()));

        Assert.False(await Table.RemoveRow(Grain(), "r1", etag));

        Assert.NotNull(await Table.ReadRow(Grain(), "r1"));
    }

    [Fact]
    public async Task Remove_WithTheETagOfAnEarlierVersion_ReturnsFalse()
    {
        var first = await Table.UpsertRow(Entry(Grain()));
        await Table.UpsertRow(Entry(Grain(), periodSeconds: 61));

        Assert.False(await Table.RemoveRow(Grain(), "r1", first!));
        Assert.NotNull(await Table.ReadRow(Grain(), "r1"));
    }

    [Fact]
    public async Task Remove_Missing_ReturnsFalse()
    {
        Assert.False(await Table.RemoveRow(Grain(), "r1", "1"));
    }

    [Fact]
    public async Task ReadRows_ByGrain_ReturnsOnlyThatGrainsReminders()
    {
        await Table.UpsertRow(Entry(Grain("a"), "r1"));
        await Table.UpsertRow(Entry(Grain("a"), "r2"));
        await Table.UpsertRow(Entry(Grain("b"), "r1"));
        await Table.UpsertRow(Entry(Grain("a", "other-type"), "r1"));

        var rows = (await Table.ReadRows(Grain("a"))).Reminders;

        Assert.Equal(["r1", "r2"], rows.Select(r => r.ReminderName).Order(StringComparer.Ordinal));
        Assert.All(rows, r => Assert.Equal(Grain("a"), r.GrainId));
    }

    [Fact]
    public async Task ReadRows_ByHashRange_FollowsRingSemantics()
    {
        var grains = Enumerable.Range(0, 120).Select(i => Grain($"ring-{i}")).ToList();
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain));
        }

        var hashes = grains.Select(g => g.GetUniformHashCode()).Order().ToList();
        // The unsigned upper half must be exercised: a signed column or comparison would misorder it.
        Assert.Contains(hashes, h => h > int.MaxValue);
        Assert.Contains(hashes, h => h <= int.MaxValue);
        (uint Begin, uint End)[] ranges =
        [
            (0, uint.MaxValue), (uint.MaxValue, 0), (0, 0), (uint.MaxValue, uint.MaxValue), (hashes[10], hashes[10]),
            (hashes[10], hashes[50]), (hashes[50], hashes[10]), (hashes[10] - 1, hashes[10]), (hashes[10], hashes[11] - 1),
            (int.MaxValue, uint.MaxValue), (0, int.MaxValue), (hashes[^1], hashes[0]), (hashes[0], hashes[^1]),
        ];
        foreach (var (begin, end) in ranges)
        {
            var expected = grains.Where(g => InRange(g.GetUniformHashCode(), begin, end)).Select(g => g.ToString()).Order(StringComparer.Ordinal);

            var actual = (await Table.ReadRows(begin, end)).Reminders.Select(r => r.GrainId.ToString()).Order(StringComparer.Ordinal);

            Assert.Equal(expected, actual);
        }

        static bool InRange(uint hash, uint begin, uint end) => begin < end ? hash > begin && hash <= end : hash > begin || hash <= end;
    }

    [Fact]
    public async Task ReadRows_ByHashRange_BeginIsExclusiveAndEndInclusive()
    {
        var grain = Grain("edge");
        var hash = grain.GetUniformHashCode();
        await Table.UpsertRow(Entry(grain));

        Assert.DoesNotContain((await Table.ReadRows(hash, hash == uint.MaxValue ? 0 : hash + 1)).Reminders, r => r.GrainId == grain);
        Assert.Single((await Table.ReadRows(hash - 1, hash)).Reminders, r => r.GrainId == grain);
    }

    [Fact]
    public async Task Services_SharingAStore_NeverSeeEachOthersReminders()
    {
        var other = await CreateTableAsync("svc-b");
        await Table.UpsertRow(Entry(Grain(), "mine"));
        await other.UpsertRow(Entry(Grain(), "theirs"));

        Assert.Equal(["mine"], (await Table.ReadRows(Grain())).Reminders.Select(r => r.ReminderName));
        Assert.Equal(["theirs"], (await other.ReadRows(0, 0)).Reminders.Select(r => r.ReminderName));
        Assert.Null(await other.ReadRow(Grain(), "mine"));
        Assert.False(await other.RemoveRow(Grain(), "mine", "1"));

        await other.TestOnlyClearTable();

        Assert.NotNull(await Table.ReadRow(Grain(), "mine"));
        Assert.Empty((await other.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task TestOnlyClearTable_RemovesEverything()
    {
        await Table.UpsertRow(Entry(Grain("a")));
        await Table.UpsertRow(Entry(Grain("b")));

        await Table.TestOnlyClearTable();

        Assert.Empty((await Table.ReadRows(0, 0)).Reminders);
    }

    [Fact]
    public async Task GrainIdsOfEveryKeyKind_AndUnicodeNames_RoundTrip()
    {
        var type = GrainType.Create("remindable");
        GrainId[] grains =
        [
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(-7)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(7, "ext/with/slash")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.NewGuid(), "ext")),
            GrainId.Create(type, "key/with/slashes and spaces 日本"),
        ];
        foreach (var grain in grains)
        {
            await Table.UpsertRow(Entry(grain, "réveil ⏰"));
        }

        foreach (var grain in grains)
        {
            var read = await Table.ReadRow(grain, "réveil ⏰");
            Assert.NotNull(read);
            Assert.Equal(grain, read.GrainId);
            Assert.Equal(grain.GetUniformHashCode(), read.GrainId.GetUniformHashCode());
        }
    }

    [Fact]
    public async Task ConcurrentUpserts_OfOneReminder_AllSucceedWithDistinctETags()
    {
        var etags = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => Table.UpsertRow(Entry(Grain(), periodSeconds: 60 + i)))));

        Assert.Equal(12, etags.Distinct().Count());
        Assert.Equal(Enumerable.Range(1, 12).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)), etags.Order(Comparer<string?>.Create((a, b) => long.Parse(a!, System.Globalization.CultureInfo.InvariantCulture).CompareTo(long.Parse(b!, System.Globalization.CultureInfo.InvariantCulture)))));
        Assert.Equal("12", (await Table.ReadRow(Grain(), "r1"))!.ETag);
    }

    [Fact]
    public async Task BadArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Table.UpsertRow(null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.UpsertRow(Entry(Grain(), "")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.UpsertRow(Entry(Grain(), "a\0b")));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.UpsertRow(Entry(default)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.UpsertRow(Entry(Grain(), new string('r', 3000))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.ReadRow(Grain(), null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Table.ReadRows(default(GrainId)));

        Assert.Empty((await Table.ReadRows(0, 0)).Reminders);
    }
}
