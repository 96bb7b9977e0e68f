using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Orleans.Storage;

namespace StriveNetwork.Providers.Tests.Conformance;

/// <summary>
/// The Orleans <see cref="IGrainStorage"/> contract as the StriveNetwork providers keep it, run against every store by
/// one subclass each. Every test gets a fresh, empty store.
/// </summary>
public abstract partial class GrainStorageConformanceTests : IAsyncLifetime
{
    private IGrainStorage? _storage;

    /// <summary>The store under test (default serializer).</summary>
    protected IGrainStorage Storage => _storage ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>
    /// A storage on this test's store (the same store on every call, fresh for each test), with
    /// <paramref name="serializer"/> or the default one. The subclass disposes what it created.
    /// </summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync(IGrainStorageSerializer? serializer = null);

    /// <summary>Disposes the storages and deletes the store.</summary>
    protected abstract Task DisposeStoreAsync();

    /// <summary>The payload column of a state row, as the store holds it; null when there is no row.</summary>
    protected abstract Task<string?> ReadStoredJsonAsync(GrainStateKey key);

    /// <summary>Inserts a state row directly, as the old runtime wrote it.</summary>
    protected abstract Task InsertRowAsync(GrainStateKey key, string json, int schemaVersion, long version, bool recordExists);

    public async Task InitializeAsync()
    {
        _storage = await CreateStorageAsync();
    }

    public Task DisposeAsync() => DisposeStoreAsync();

    protected static GrainId Grain(string key = "k1", string type = "counter") => GrainId.Create(type, key);

    protected static Doc NewDoc(int count, string? name = null) => new() { Count = count, Name = name, Tags = ["t" + count], Scores = new() { ["s"] = count } };

    protected static void AssertSameDoc(Doc expected, Doc? actual) =>
        Assert.Equal(JsonSerializer.Serialize(expected), JsonSerializer.Serialize(actual));

    protected async Task<string> WriteAsync(GrainId grain, Doc doc, string? etag, string state = "state", IGrainStorage? storage = null)
    {
        var grainState = new GrainState<Doc>(doc, etag!);
        await (storage ?? Storage).WriteStateAsync(state, grain, grainState);
        Assert.True(grainState.RecordExists);
        Assert.NotNull(grainState.ETag);
        return grainState.ETag;
    }

    protected async Task<GrainState<Doc>> ReadAsync(GrainId grain, string state = "state", IGrainStorage? storage = null)
    {
        var grainState = new GrainState<Doc>();
        await (storage ?? Storage).ReadStateAsync(state, grain, grainState);
        return grainState;
    }

    protected async Task<string> ClearAsync(GrainId grain, string? etag, string state = "state")
    {
        var grainState = new GrainState<Doc>(NewDoc(99), etag!);
        await Storage.ClearStateAsync(state, grain, grainState);
        Assert.False(grainState.RecordExists);
        Assert.NotNull(grainState.ETag);
        return grainState.ETag;
    }

    [Fact]
    public async Task Read_Missing_GivesNewStateNoETagNoRecord()
    {
        var read = await ReadAsync(Grain());

        Assert.NotNull(read.State);
        AssertSameDoc(new Doc(), read.State);
        Assert.Null(read.ETag);
        Assert.False(read.RecordExists);
    }

    [Fact]
    public async Task Read_Missing_ResetsAStateObjectThatHeldData()
    {
        var grainState = new GrainState<Doc>(NewDoc(5), "7") { RecordExists = true };

        await Storage.ReadStateAsync("state", Grain(), grainState);

        AssertSameDoc(new Doc(), grainState.State);
        Assert.Null(grainState.ETag);
        Assert.False(grainState.RecordExists);
    }

    [Fact]
    public async Task Write_New_SetsIntegerETagAndRoundTrips()
    {
        var doc = NewDoc(3, "x");

        var etag = await WriteAsync(Grain(), doc, null);

        Assert.Equal("1", etag);
        var read = await ReadAsync(Grain());
        AssertSameDoc(doc, read.State);
        Assert.Equal(etag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Write_WithCurrentETag_SucceedsAndChangesETag()
    {
        var first = await WriteAsync(Grain(), NewDoc(1), null);
        var second = await WriteAsync(Grain(), NewDoc(2), first);

        Assert.NotEqual(first, second);
        var read = await ReadAsync(Grain());
        AssertSameDoc(NewDoc(2), read.State);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task Write_IdenticalData_StillChangesETag()
    {
        var seen = new HashSet<string>();
        string? etag = null;
        for (var i = 0; i < 5; i++)
        {
            etag = await WriteAsync(Grain(), NewDoc(1), etag);
            Assert.True(seen.Add(etag), $"ETag {etag} was reused.");
        }
    }

    [Fact]
    public async Task Write_StaleETag_ThrowsWithStoredAndCarriedETagsAndKeepsState()
    {
        var first = await WriteAsync(Grain(), NewDoc(1), null);
        var second = await WriteAsync(Grain(), NewDoc(2), first);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(3), first));

        Assert.Equal(second, ex.StoredEtag);
        Assert.Equal(first, ex.CurrentEtag);
        Assert.Contains("counter/k1/state", ex.Message, StringComparison.Ordinal);
        var read = await ReadAsync(Grain());
        AssertSameDoc(NewDoc(2), read.State);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task Write_StaleETag_LeavesTheCallersStateObjectAsItWas()
    {
        var first = await WriteAsync(Grain(), NewDoc(1), null);
        await WriteAsync(Grain(), NewDoc(2), first);
        var grainState = new GrainState<Doc>(NewDoc(3), first);

        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.WriteStateAsync("state", Grain(), grainState));

        Assert.Equal(first, grainState.ETag);
        AssertSameDoc(NewDoc(3), grainState.State);
    }

    [Fact]
    public async Task Write_NullETagOverExistingRecord_Throws()
    {
        var first = await WriteAsync(Grain(), NewDoc(1), null);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(2), null));

        Assert.Equal(first, ex.StoredEtag);
        Assert.Null(ex.CurrentEtag);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("not-a-number")]
    [InlineData("*")]
    public async Task Write_ETagOnMissingRecord_Throws(string etag)
    {
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(1), etag));

        Assert.Null(ex.StoredEtag);
        Assert.Equal(etag, ex.CurrentEtag);
        Assert.False((await ReadAsync(Grain())).RecordExists);
    }

    [Theory]
    [InlineData("")]
    [InlineData("999")]
    [InlineData("-1")]
    [InlineData("01")]
    [InlineData("+1")]
    [InlineData(" 1")]
    [InlineData("abc")]
    public async Task Write_WrongETagOverExisting_Throws(string etag)
    {
        await WriteAsync(Grain(), NewDoc(1), null);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(2), etag));

        Assert.Equal("1", ex.StoredEtag);
    }

    [Fact]
    public async Task Clear_LeavesTombstone_ReadGivesNewStateNoRecordAndTheTombstoneETag()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);

        var cleared = await ClearAsync(Grain(), etag);

        Assert.NotEqual(etag, cleared);
        Assert.NotNull(VersionETag.Parse(cleared));
        var read = await ReadAsync(Grain());
        AssertSameDoc(new Doc(), read.State);
        Assert.False(read.RecordExists);
        Assert.Equal(cleared, read.ETag);
        Assert.Equal("{}", await ReadStoredJsonAsync(new GrainStateKey("counter", "k1", "state")));
    }

    [Fact]
    public async Task Clear_ResetsTheCallersState()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);
        var grainState = new GrainState<Doc>(NewDoc(1), etag) { RecordExists = true };

        await Storage.ClearStateAsync("state", Grain(), grainState);

        AssertSameDoc(new Doc(), grainState.State);
        Assert.False(grainState.RecordExists);
    }

    [Fact]
    public async Task Clear_IsIdempotentAndChangesETagEachTime()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);
        var once = await ClearAsync(Grain(), etag);
        var twice = await ClearAsync(Grain(), once);

        Assert.NotEqual(once, twice);
        var read = await ReadAsync(Grain());
        Assert.False(read.RecordExists);
        Assert.Equal(twice, read.ETag);
    }

    [Fact]
    public async Task Clear_NeverWrittenWithNullETag_CreatesTombstone()
    {
        var cleared = await ClearAsync(Grain(), null);

        var read = await ReadAsync(Grain());
        Assert.False(read.RecordExists);
        Assert.Equal(cleared, read.ETag);
    }

    [Fact]
    public async Task Clear_StaleETag_ThrowsAndKeepsRecord()
    {
        var first = await WriteAsync(Grain(), NewDoc(1), null);
        var second = await WriteAsync(Grain(), NewDoc(2), first);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => ClearAsync(Grain(), first));

        Assert.Equal(second, ex.StoredEtag);
        Assert.Equal(first, ex.CurrentEtag);
        var read = await ReadAsync(Grain());
        Assert.True(read.RecordExists);
        AssertSameDoc(NewDoc(2), read.State);
    }

    [Fact]
    public async Task Clear_NullETagOverExistingRecord_Throws()
    {
        await WriteAsync(Grain(), NewDoc(1), null);

        await Assert.ThrowsAsync<InconsistentStateException>(() => ClearAsync(Grain(), null));
    }

    [Fact]
    public async Task Write_AfterClearWithTombstoneETag_Succeeds()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);
        var cleared = await ClearAsync(Grain(), etag);

        var rewritten = await WriteAsync(Grain(), NewDoc(9), cleared);

        Assert.NotEqual(cleared, rewritten);
        Assert.NotEqual(etag, rewritten);
        var read = await ReadAsync(Grain());
        Assert.True(read.RecordExists);
        AssertSameDoc(NewDoc(9), read.State);
    }

    /// <summary>
    /// After a clear only the tombstone's ETag is accepted. A null ETag means "I saw no record at all"; a writer that
    /// read nothing before someone else wrote and cleared is stale and must fail.
    /// </summary>
    [Fact]
    public async Task Write_AfterClearWithNullETag_Throws()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);
        var cleared = await ClearAsync(Grain(), etag);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(2), null));

        Assert.Equal(cleared, ex.StoredEtag);
    }

    [Fact]
    public async Task Write_AfterClearWithPreClearETag_Throws()
    {
        var etag = await WriteAsync(Grain(), NewDoc(1), null);
        await ClearAsync(Grain(), etag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain(), NewDoc(2), etag));
    }

    [Fact]
    public async Task Keys_SameKeyDifferentTypeOrStateName_AreIsolated()
    {
        (GrainId Grain, string State)[] keys = [(Grain("k", "a"), "s"), (Grain("k", "b"), "s"), (Grain("k", "a"), "t")];
        for (var i = 0; i < keys.Length; i++)
        {
            await WriteAsync(keys[i].Grain, NewDoc(i), null, keys[i].State);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            AssertSameDoc(NewDoc(i), (await ReadAsync(keys[i].Grain, keys[i].State)).State);
        }
    }

    [Fact]
    public async Task Keys_ThatCollideUnderConcatenationParsingOrCaseFolding_AreIsolated()
    {
        (GrainId Grain, string State)[] keys =
        [
            (Grain("c", "a/b"), "s"), (Grain("b/c", "a"), "s"),
            (Grain("a/b", "t"), "c"), (Grain("a", "t"), "b/c"),
            (Grain("020235", "t"), "s"), (Grain("20235", "t"), "s"), (Grain("0x4F1B", "t"), "s"),
            (Grain("Key", "t"), "s"), (Grain("key", "t"), "s"),
            (Grain("k", "t"), "s"), (Grain("k ", "t"), "s"),
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            await WriteAsync(keys[i].Grain, NewDoc(i), null, keys[i].State);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var read = await ReadAsync(keys[i].Grain, keys[i].State);
            AssertSameDoc(NewDoc(i), read.State);
            Assert.Equal("1", read.ETag);
        }
    }

    [Fact]
    public async Task Keys_OfEveryGrainKeyKind_AreIsolated()
    {
        var type = GrainType.Create("kinds");
        GrainId[] grains =
        [
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42)),
            GrainId.Create(type, GrainIdKeyExtensions.CreateIntegerKey(42, "ext")),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("7b0e3a58-3cb6-4c39-9d4e-3c5b0b7b6f10"))),
            GrainId.Create(type, GrainIdKeyExtensions.CreateGuidKey(Guid.Parse("7b0e3a58-3cb6-4c39-9d4e-3c5b0b7b6f10"), "ext")),
            GrainId.Create(type, "plain-string"),
        ];
        for (var i = 0; i < grains.Length; i++)
        {
            await WriteAsync(grains[i], NewDoc(i), null);
        }

        for (var i = 0; i < grains.Length; i++)
        {
            AssertSameDoc(NewDoc(i), (await ReadAsync(grains[i])).State);
        }
    }

    [Fact]
    public async Task Keys_AndState_Unicode_RoundTrip()
    {
        var grain = Grain("日本語/😀/ñ", "partnership-Ünïcødé");
        var doc = new Doc { Name = "Cradle → Career 🎓 \"São Paulo\" \\ \u0001", Tags = ["é", "😀"], Scores = new() { ["ключ"] = 1 } };

        var etag = await WriteAsync(grain, doc, null, "état");

        var read = await ReadAsync(grain, "état");
        AssertSameDoc(doc, read.State);
        Assert.Equal(etag, read.ETag);
        Assert.False((await ReadAsync(Grain("日本語/😀/ñ", "partnership-Unicode"), "état")).RecordExists);
    }

    [Fact]
    public async Task Write_LargePayload1MiB_RoundTrips()
    {
        var blob = string.Create(1024 * 1024, 0, (span, _) =>
        {
            for (var i = 0; i < span.Length; i++)
            {
                span[i] = (char)('a' + (i % 26));
            }
        });
        var doc = new Doc { Name = blob, Count = 1 };

        var etag = await WriteAsync(Grain(), doc, null);

        var read = await ReadAsync(Grain());
        Assert.Equal(etag, read.ETag);
        Assert.Equal(blob, read.State!.Name);
    }

    [Fact]
    public async Task Write_BadArguments_ThrowAndWriteNothing()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync(null!, Grain(), new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("", Grain(), new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("s\0", Grain(), new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", default, new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", Grain("k\0"), new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", Grain(new string('k', 3000)), new GrainState<Doc>(NewDoc(1))));
        await Assert.ThrowsAsync<ArgumentNullException>(() => Storage.WriteStateAsync<Doc>("state", Grain(), null!));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", Grain(), new GrainState<Doc>(null!)));
        // U+0000 cannot be stored by PostgreSQL (text or jsonb); every store rejects it up front, without quoting the payload.
        var nul = await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", Grain(), new GrainState<Doc>(new Doc { Name = "secret\0payload" })));
        Assert.DoesNotContain("secret", nul.Message, StringComparison.Ordinal);
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteStateAsync("state", Grain(), new GrainState<Doc>(new Doc { Scores = new() { ["a\0"] = 1 } })));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.ReadStateAsync("", Grain(), new GrainState<Doc>()));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.ClearStateAsync("state", default, new GrainState<Doc>()));

        Assert.False((await ReadAsync(Grain())).RecordExists);
        Assert.Null(await ReadStoredJsonAsync(new GrainStateKey("counter", "k1", "state")));
        // Text that merely looks like an escaped NUL is ordinary text.
        await WriteAsync(Grain("ok"), new Doc { Name = "\\u0000" }, null);
        Assert.Equal("\\u0000", (await ReadAsync(Grain("ok"))).State!.Name);
    }

    [Fact]
    public async Task Write_Cancelled_ThrowsAndWritesNothing()
    {
        using var cancelled = new CancellationTokenSource();
        await cancelled.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => Storage.WriteStateAsync("state", Grain(), new GrainState<Doc>(NewDoc(1)), cancelled.Token));

        Assert.False((await ReadAsync(Grain())).RecordExists);
    }

    [Fact]
    public async Task Payload_IsWebJson_LikeTheOldRuntime()
    {
        await WriteAsync(Grain(), new Doc { Count = 3, Name = "x", Tags = ["a"], Scores = new() { ["Upper"] = 1 } }, null);

        var stored = JsonNode.Parse((await ReadStoredJsonAsync(new GrainStateKey("counter", "k1", "state")))!)!.AsObject();

        // camelCase property names (web defaults); dictionary keys are data and keep their case.
        Assert.Equal(["count", "name", "scores", "tags"], stored.Select(p => p.Key).Order(StringComparer.Ordinal));
        Assert.Equal(3, stored["count"]!.GetValue<int>());
        Assert.Equal(1, stored["scores"]!["Upper"]!.GetValue<int>());
    }

    [Fact]
    public async Task OldRuntimeRows_ReadAndContinueTheirVersion()
    {
        await InsertRowAsync(new GrainStateKey("partnership", "p-1", "state"), """{"count":7,"name":"old","tags":["a"],"scores":{"x":1}}""", 1, 3, true);
        await InsertRowAsync(new GrainStateKey("partnership", "p-2", "state"), "{}", 1, 5, false);

        var live = await ReadAsync(Grain("p-1", "partnership"));
        Assert.True(live.RecordExists);
        Assert.Equal("3", live.ETag);
        AssertSameDoc(new Doc { Count = 7, Name = "old", Tags = ["a"], Scores = new() { ["x"] = 1 } }, live.State);
        Assert.Equal("4", await WriteAsync(Grain("p-1", "partnership"), NewDoc(8), live.ETag));

        var tombstone = await ReadAsync(Grain("p-2", "partnership"));
        Assert.False(tombstone.RecordExists);
        Assert.Equal("5", tombstone.ETag);
        AssertSameDoc(new Doc(), tombstone.State);
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Grain("p-2", "partnership"), NewDoc(1), null));
        Assert.Equal("6", await WriteAsync(Grain("p-2", "partnership"), NewDoc(1), "5"));
    }

    [Fact]
    public async Task StoredStateOfAnotherShape_FailsReadWithTypeAndKeyButNotPayload()
    {
        await InsertRowAsync(new GrainStateKey("counter", "k1", "state"), """{"count":"secret-text"}""", 1, 1, true);

        var ex = await Assert.ThrowsAsync<OrleansException>(() => ReadAsync(Grain()));

        Assert.Contains("counter/k1/state", ex.Message, StringComparison.Ordinal);
        Assert.Contains(typeof(Doc).FullName!, ex.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-text", ex.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Serializer_IsSwappable()
    {
        var pascal = await CreateStorageAsync(new StateJsonSerializer(new JsonSerializerOptions()));

        await WriteAsync(Grain(), NewDoc(4), null, storage: pascal);

        var stored = JsonNode.Parse((await ReadStoredJsonAsync(new GrainStateKey("counter", "k1", "state")))!)!.AsObject();
        Assert.Equal(4, stored["Count"]!.GetValue<int>());
        AssertSameDoc(NewDoc(4), (await ReadAsync(Grain(), storage: pascal)).State);
    }

    [Fact]
    public async Task Serializer_ThatDoesNotProduceJson_IsRejectedBeforeWriting()
    {
        var binary = await CreateStorageAsync(new NotJsonSerializer());

        var ex = await Assert.ThrowsAnyAsync<ArgumentException>(() => WriteAsync(Grain(), NewDoc(1), null, storage: binary));

        Assert.Contains("JSON", ex.Message, StringComparison.Ordinal);
        Assert.Null(await ReadStoredJsonAsync(new GrainStateKey("counter", "k1", "state")));
    }

    [Fact]
    public async Task ConcurrentWriters_OneETag_ExactlyOneWinsEachRound()
    {
        const int Writers = 8;
        string? etag = null;
        for (var round = 0; round < 6; round++)
        {
            var expected = etag;
            var results = await Task.WhenAll(Enumerable.Range(0, Writers).Select(async w =>
            {
                await Task.Yield();
                try
                {
                    return (Writer: w, ETag: (string?)await WriteAsync(Grain(), NewDoc((round * 100) + w), expected));
                }
                catch (InconsistentStateException)
                {
                    return (Writer: w, ETag: null);
                }
            }));

            var winner = Assert.Single(results, r => r.ETag is not null);
            etag = winner.ETag;
            var read = await ReadAsync(Grain());
            Assert.Equal(etag, read.ETag);
            AssertSameDoc(NewDoc((round * 100) + winner.Writer), read.State);
        }
    }

    /// <summary>Produces bytes that are not JSON (a binary serializer would).</summary>
    private sealed class NotJsonSerializer : IGrainStorageSerializer
    {
        public BinaryData Serialize<T>(T? input) => new(Encoding.UTF8.GetBytes("\u0001binary"));

        public T Deserialize<T>(BinaryData input) => throw new NotSupportedException();
    }
}
