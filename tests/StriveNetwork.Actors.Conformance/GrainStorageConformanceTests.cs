using System.Text.Json.Nodes;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Conformance;

// Why shared source files and not a class library: the suites are plain abstract xunit classes, so every
// provider's test project gets real, individually named and filterable tests with xunit's assertions, without
// an unpinned xunit.assert reference in a product-side library or a home-made assertion layer. Each provider
// test project includes these files with <Compile Include="../StriveNetwork.Actors.Conformance/**/*.cs" />
// and derives one class that only says how to create a fresh, empty store.

/// <summary>
/// Conformance suite for <see cref="IGrainStorage"/> + <see cref="IStreamLog"/>. Every test gets a fresh, empty
/// store from <see cref="CreateStorageAsync"/>.
/// </summary>
public abstract partial class GrainStorageConformanceTests : IAsyncLifetime
{
    private IGrainStorage? _storage;

    /// <summary>The store under test.</summary>
    protected IGrainStorage Storage => _storage ?? throw new InvalidOperationException("Not initialized.");

    /// <summary>The same store, seen as a stream log.</summary>
    protected IStreamLog Log => (IStreamLog)Storage;

    /// <summary>Creates a fresh, empty store that implements both <see cref="IGrainStorage"/> and <see cref="IStreamLog"/>.</summary>
    protected abstract Task<IGrainStorage> CreateStorageAsync();

    /// <summary>Releases what <see cref="CreateStorageAsync"/> created.</summary>
    protected virtual Task DisposeStorageAsync(IGrainStorage storage) => Task.CompletedTask;

    public async Task InitializeAsync()
    {
        _storage = await CreateStorageAsync();
        Assert.IsAssignableFrom<IStreamLog>(_storage);
        await _storage.InitializeAsync();
        // Initialization is idempotent.
        await _storage.InitializeAsync();
    }

    public async Task DisposeAsync()
    {
        if (_storage is not null)
        {
            await DisposeStorageAsync(_storage);
        }
    }

    protected static GrainStateKey Key(string type = "counter", string key = "k1", string state = "state") => new(type, key, state);

    protected static void AssertJsonEqual(string expected, string actual) =>
        Assert.True(
            JsonNode.DeepEquals(JsonNode.Parse(expected), JsonNode.Parse(actual)),
            $"JSON differs.\nExpected: {Truncate(expected)}\nActual:   {Truncate(actual)}");

    private static string Truncate(string s) => s.Length > 300 ? s[..300] + "…" : s;

    protected static StreamEventDraft Draft(string ns, string streamKey, int n) =>
        new(ns, streamKey, "test.event", $$"""{"n":{{n}}}""");

    protected async Task<string> WriteAsync(GrainStateKey key, string json, string? etag, params StreamEventDraft[] events) =>
        await Storage.WriteAsync(key, json, 1, etag, events);

    [Fact]
    public async Task Read_Missing_ReturnsNull()
    {
        Assert.Null(await Storage.ReadAsync(Key()));
    }

    [Fact]
    public async Task Write_New_ReturnsIntegerETagAndRoundTripsPayloadAndSchemaVersion()
    {
        var etag = await Storage.WriteAsync(Key(), """{"count":3,"name":"x"}""", 7, null, []);

        Assert.True(long.TryParse(etag, out _), $"ETag '{etag}' is not an integer version.");
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        AssertJsonEqual("""{"count":3,"name":"x"}""", read.Json);
        Assert.Equal(7, read.SchemaVersion);
        Assert.Equal(etag, read.ETag);
        Assert.True(read.RecordExists);
    }

    [Fact]
    public async Task Write_WithCurrentETag_SucceedsAndChangesETag()
    {
        var first = await WriteAsync(Key(), """{"v":1}""", null);
        var second = await Storage.WriteAsync(Key(), """{"v":2}""", 2, first, []);

        Assert.NotEqual(first, second);
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        AssertJsonEqual("""{"v":2}""", read.Json);
        Assert.Equal(2, read.SchemaVersion);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task Write_IdenticalData_StillChangesETag()
    {
        var etags = new HashSet<string>();
        string? etag = null;
        for (var i = 0; i < 5; i++)
        {
            etag = await WriteAsync(Key(), """{"same":true}""", etag);
            Assert.True(etags.Add(etag), $"ETag {etag} was reused.");
        }
    }

    [Fact]
    public async Task Write_StaleETag_ThrowsAndKeepsStoredState()
    {
        var first = await WriteAsync(Key(), """{"v":1}""", null);
        var second = await WriteAsync(Key(), """{"v":2}""", first);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":3}""", first));
        Assert.Equal(second, ex.StoredETag);
        Assert.Equal(first, ex.CurrentETag);
        Assert.Equal(Key(), ex.Key);
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        AssertJsonEqual("""{"v":2}""", read.Json);
        Assert.Equal(second, read.ETag);
    }

    [Fact]
    public async Task Write_NullETagOverExistingRecord_Throws()
    {
        var first = await WriteAsync(Key(), """{"v":1}""", null);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":2}""", null));
        Assert.Equal(first, ex.StoredETag);
        Assert.Null(ex.CurrentETag);
    }

    [Theory]
    [InlineData("1")]
    [InlineData("0")]
    [InlineData("not-a-number")]
    [InlineData("*")]
    public async Task Write_ETagOnMissingRecord_Throws(string etag)
    {
        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":1}""", etag));
        Assert.Null(ex.StoredETag);
        Assert.Null(await Storage.ReadAsync(Key()));
    }

    [Theory]
    [InlineData("")]
    [InlineData("999")]
    [InlineData("-1")]
    [InlineData("abc")]
    public async Task Write_WrongETagOverExisting_Throws(string etag)
    {
        await WriteAsync(Key(), """{"v":1}""", null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":2}""", etag));
    }

    [Fact]
    public async Task Clear_LeavesTombstoneWithNewETag()
    {
        var etag = await Storage.WriteAsync(Key(), """{"v":1}""", 4, null, []);

        var cleared = await Storage.ClearAsync(Key(), etag);

        Assert.NotEqual(etag, cleared);
        Assert.True(long.TryParse(cleared, out _));
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.False(read.RecordExists);
        Assert.Equal("{}", read.Json);
        Assert.Equal(cleared, read.ETag);
    }

    [Fact]
    public async Task Clear_IsIdempotentAndChangesETagEachTime()
    {
        var etag = await WriteAsync(Key(), """{"v":1}""", null);
        var once = await Storage.ClearAsync(Key(), etag);
        var twice = await Storage.ClearAsync(Key(), once);

        Assert.NotEqual(once, twice);
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.False(read.RecordExists);
        Assert.Equal(twice, read.ETag);
    }

    [Fact]
    public async Task Clear_NeverWrittenWithNullETag_CreatesTombstone()
    {
        var cleared = await Storage.ClearAsync(Key(), null);

        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.False(read.RecordExists);
        Assert.Equal(cleared, read.ETag);
    }

    [Fact]
    public async Task Clear_StaleETag_ThrowsAndKeepsRecord()
    {
        var first = await WriteAsync(Key(), """{"v":1}""", null);
        var second = await WriteAsync(Key(), """{"v":2}""", first);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Key(), first).AsTask());
        Assert.Equal(second, ex.StoredETag);
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.True(read.RecordExists);
        AssertJsonEqual("""{"v":2}""", read.Json);
    }

    [Fact]
    public async Task Clear_NullETagOverExistingRecord_Throws()
    {
        await WriteAsync(Key(), """{"v":1}""", null);
        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(Key(), null).AsTask());
    }

    [Fact]
    public async Task Write_AfterClearWithTombstoneETag_Succeeds()
    {
        var etag = await WriteAsync(Key(), """{"v":1}""", null);
        var cleared = await Storage.ClearAsync(Key(), etag);

        var rewritten = await WriteAsync(Key(), """{"v":9}""", cleared);

        Assert.NotEqual(cleared, rewritten);
        Assert.NotEqual(etag, rewritten);
        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.True(read.RecordExists);
        AssertJsonEqual("""{"v":9}""", read.Json);
    }

    /// <summary>
    /// Decision: after a clear only the tombstone's ETag is accepted. A null ETag means "I saw no record at all";
    /// a writer that read nothing before someone else wrote and cleared must fail, like any stale writer.
    /// </summary>
    [Fact]
    public async Task Write_AfterClearWithNullETag_Throws()
    {
        var etag = await WriteAsync(Key(), """{"v":1}""", null);
        var cleared = await Storage.ClearAsync(Key(), etag);

        var ex = await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":2}""", null));
        Assert.Equal(cleared, ex.StoredETag);
    }

    [Fact]
    public async Task Write_AfterClearWithPreClearETag_Throws()
    {
        var etag = await WriteAsync(Key(), """{"v":1}""", null);
        await Storage.ClearAsync(Key(), etag);

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":2}""", etag));
    }

    [Fact]
    public async Task Keys_SameKeyDifferentTypeOrStateName_AreIsolated()
    {
        var keys = new[] { Key("a", "k", "s"), Key("b", "k", "s"), Key("a", "k", "t") };
        for (var i = 0; i < keys.Length; i++)
        {
            await WriteAsync(keys[i], $$"""{"i":{{i}}}""", null);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var read = await Storage.ReadAsync(keys[i]);
            Assert.NotNull(read);
            AssertJsonEqual($$"""{"i":{{i}}}""", read.Json);
        }
    }

    [Fact]
    public async Task Keys_ThatCollideUnderConcatenationOrParsing_AreIsolated()
    {
        // Pairs that are equal under "type/key/state" concatenation, integer parsing, case folding or trimming.
        GrainStateKey[] keys =
        [
            Key("a/b", "c", "s"), Key("a", "b/c", "s"),
            Key("t", "a/b", "c"), Key("t", "a", "b/c"),
            Key("t", "020235", "s"), Key("t", "20235", "s"), Key("t", "0x4F1B", "s"),
            Key("t", "Key", "s"), Key("t", "key", "s"),
            Key("t", "k", "s"), Key("t", "k ", "s"), Key("t", "", "s"),
        ];
        for (var i = 0; i < keys.Length; i++)
        {
            await WriteAsync(keys[i], $$"""{"i":{{i}}}""", null);
        }

        for (var i = 0; i < keys.Length; i++)
        {
            var read = await Storage.ReadAsync(keys[i]);
            Assert.NotNull(read);
            AssertJsonEqual($$"""{"i":{{i}}}""", read.Json);
            Assert.Equal("1", read.ETag);
        }
    }

    [Fact]
    public async Task Keys_Unicode_RoundTrip()
    {
        var key = Key("partnership-Ünïcødé", "日本語/😀/ñ", "état");
        const string Json = """{"name":"Cradle → Career 🎓","city":"São Paulo","quote":"\"x\""}""";

        var etag = await WriteAsync(key, Json, null);

        var read = await Storage.ReadAsync(key);
        Assert.NotNull(read);
        AssertJsonEqual(Json, read.Json);
        Assert.Equal(etag, read.ETag);
        Assert.Null(await Storage.ReadAsync(Key("partnership-Unicode", "日本語/😀/ñ", "état")));
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
        var json = new JsonObject { ["blob"] = blob, ["n"] = 1 }.ToJsonString();

        var etag = await WriteAsync(Key(), json, null);

        var read = await Storage.ReadAsync(Key());
        Assert.NotNull(read);
        Assert.Equal(etag, read.ETag);
        Assert.Equal(blob, JsonNode.Parse(read.Json)!["blob"]!.GetValue<string>());
    }

    [Fact]
    public async Task Write_BadArguments_Throw()
    {
        await Assert.ThrowsAsync<ArgumentNullException>(() => Storage.WriteAsync(Key(), null!, 1, null, []).AsTask());
        await Assert.ThrowsAsync<ArgumentNullException>(() => Storage.WriteAsync(Key(), "{}", 1, null, null!).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(Key(), "{not json", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(new GrainStateKey(null!, "k", "s"), "{}", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(Key("", "k", "s"), "{}", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.ReadAsync(Key("t", "k", "")).AsTask());
        // U+0000 cannot be stored by PostgreSQL (text or jsonb); every provider rejects it up front.
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(Key(), """{"a":"x\u0000y"}""", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(Key(), """{"a\u0000":1}""", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Storage.WriteAsync(Key("t", "k\0", "s"), "{}", 1, null, []).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(
            () => Storage.WriteAsync(Key(), "{}", 1, null, [new StreamEventDraft("ns", "k", "t", """["\u0000"]""")]).AsTask());
        // An escaped backslash followed by "u0000" is ordinary text.
        await Storage.WriteAsync(Key("t", "ok", "s"), """{"a":"\\u0000"}""", 1, null, []);
        AssertJsonEqual("""{"a":"\\u0000"}""", (await Storage.ReadAsync(Key("t", "ok", "s")))!.Json);
        Assert.Null(await Storage.ReadAsync(Key()));
        Assert.Equal(0, await Log.GetHeadPositionAsync());
    }

    [Fact]
    public async Task ConcurrentWriters_OneKey_ExactlyOneWinsPerETag()
    {
        const int Writers = 8;
        string? etag = null;
        for (var round = 0; round < 6; round++)
        {
            var expected = etag;
            var attempts = Enumerable.Range(0, Writers).Select(async w =>
            {
                await Task.Yield();
                try
                {
                    var json = $$"""{"round":{{round}},"writer":{{w}}}""";
                    var newETag = await Storage.WriteAsync(Key(), json, 1, expected, [Draft("race", "k", (round * 100) + w)]);
                    return (Writer: w, ETag: newETag);
                }
                catch (InconsistentStateException)
                {
                    return (Writer: w, ETag: (string?)null);
                }
            }).ToArray();
            var results = await Task.WhenAll(attempts);

            var winners = results.Where(r => r.ETag is not null).ToArray();
            Assert.Single(winners);
            etag = winners[0].ETag;
            var read = await Storage.ReadAsync(Key());
            Assert.NotNull(read);
            Assert.Equal(etag, read.ETag);
            AssertJsonEqual($$"""{"round":{{round}},"writer":{{winners[0].Writer}}}""", read.Json);
        }

        // Only the winners' events were appended, one per round, with sequences 1..6.
        var events = await Log.ReadAsync("race", 0, 100);
        Assert.Equal(6, events.Count);
        Assert.Equal([1L, 2, 3, 4, 5, 6], events.Select(e => e.ProducerSequence));
    }
}
