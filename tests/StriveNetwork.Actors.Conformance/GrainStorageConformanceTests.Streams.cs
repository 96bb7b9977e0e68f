using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Conformance;

public abstract partial class GrainStorageConformanceTests
{
    [Fact]
    public async Task Outbox_WriteAppendsEventsWithProducerAndSequences()
    {
        var key = Key("indicator", "p1/i1", "state");
        await WriteAsync(key, """{"v":1}""", null, Draft("ns", "s1", 1), Draft("ns", "s2", 2));

        var events = await Log.ReadAsync("ns", 0, 10);

        Assert.Equal(2, events.Count);
        Assert.All(events, e => Assert.Equal(("indicator", "p1/i1"), (e.ProducerType, e.ProducerKey)));
        Assert.Equal([1L, 2], events.Select(e => e.ProducerSequence));
        Assert.Equal(["s1", "s2"], events.Select(e => e.StreamKey));
        Assert.All(events, e => Assert.Equal("test.event", e.PayloadType));
        AssertJsonEqual("""{"n":1}""", events[0].PayloadJson);
        AssertJsonEqual("""{"n":2}""", events[1].PayloadJson);
        Assert.True(events[0].Position < events[1].Position);
        Assert.True(events[0].CreatedAt > DateTimeOffset.UnixEpoch);
    }

    [Fact]
    public async Task Outbox_RejectedWrite_AppendsNothing()
    {
        var etag = await WriteAsync(Key(), """{"v":1}""", null, Draft("ns", "s", 1));
        await WriteAsync(Key(), """{"v":2}""", etag, Draft("ns", "s", 2));
        var head = await Log.GetHeadPositionAsync();

        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":3}""", etag, Draft("ns", "s", 3), Draft("ns", "s", 4)));
        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(Key(), """{"v":3}""", null, Draft("ns", "s", 5)));
        await Assert.ThrowsAnyAsync<ArgumentException>(() => WriteAsync(Key(), "{bad", null, Draft("ns", "s", 6)));

        Assert.Equal(head, await Log.GetHeadPositionAsync());
        var events = await Log.ReadAsync("ns", 0, 10);
        Assert.Equal([1L, 2], events.Select(e => e.ProducerSequence));

        // The next accepted write continues the sequence without a gap.
        var current = (await Storage.ReadAsync(Key()))!.ETag;
        await WriteAsync(Key(), """{"v":4}""", current, Draft("ns", "s", 7));
        events = await Log.ReadAsync("ns", 0, 10);
        Assert.Equal([1L, 2, 3], events.Select(e => e.ProducerSequence));
    }

    [Fact]
    public async Task ProducerSequences_PerGrainStrictlyIncreasingAcrossStatesAndAppends()
    {
        await WriteAsync(Key("g", "1", "a"), "{}", null, Draft("ns", "x", 1), Draft("ns", "x", 2));
        await WriteAsync(Key("g", "1", "b"), "{}", null, Draft("ns", "x", 3));
        await WriteAsync(Key("g", "1", "c"), "{}", null);
        var positions = await Log.AppendAsync("g", "1", [Draft("ns", "x", 4), Draft("other", "x", 5)]);
        await WriteAsync(Key("g", "2", "a"), "{}", null, Draft("ns", "y", 6));
        await WriteAsync(Key("h", "1", "a"), "{}", null, Draft("ns", "y", 7));

        var all = await Log.ReadAsync("ns", 0, 100);
        var other = await Log.ReadAsync("other", 0, 100);

        Assert.Equal([1L, 2, 3, 4], all.Where(e => e is { ProducerType: "g", ProducerKey: "1" }).Select(e => e.ProducerSequence));
        Assert.Equal(5, Assert.Single(other).ProducerSequence);
        Assert.Equal(1, all.Single(e => e is { ProducerType: "g", ProducerKey: "2" }).ProducerSequence);
        Assert.Equal(1, all.Single(e => e is { ProducerType: "h", ProducerKey: "1" }).ProducerSequence);
        Assert.Equal(2, positions.Count);
        Assert.Equal(positions[0], all.Single(e => e.ProducerSequence == 4 && e.ProducerType == "g").Position);
        Assert.Equal(positions[1], other[0].Position);
    }

    [Fact]
    public async Task Append_EmptyList_AppendsNothing()
    {
        var positions = await Log.AppendAsync("g", "1", []);
        Assert.Empty(positions);
        Assert.Equal(0, await Log.GetHeadPositionAsync());
        await Log.AppendAsync("g", "1", [Draft("ns", "x", 1)]);
        Assert.Equal(1, Assert.Single(await Log.ReadAsync("ns", 0, 10)).ProducerSequence);
    }

    [Fact]
    public async Task ReadLog_FiltersNamespaceInPositionOrder()
    {
        for (var i = 0; i < 6; i++)
        {
            await Log.AppendAsync("p", "1", [Draft(i % 2 == 0 ? "even" : "odd", "k", i)]);
        }

        var even = await Log.ReadAsync("even", 0, 100);
        var odd = await Log.ReadAsync("odd", 0, 100);

        Assert.Equal(3, even.Count);
        Assert.Equal(3, odd.Count);
        Assert.All(even, e => Assert.Equal("even", e.StreamNamespace));
        AssertStrictlyIncreasing(even.Select(e => e.Position));
        AssertStrictlyIncreasing(even.Concat(odd).OrderBy(e => e.ProducerSequence).Select(e => e.Position));
        Assert.Empty(await Log.ReadAsync("none", 0, 100));
        Assert.Empty(await Log.ReadAsync("even", even[^1].Position, 100));
        Assert.Equal(even.Skip(1), await Log.ReadAsync("even", even[0].Position, 100), EventComparer.Instance);
    }

    [Fact]
    public async Task ReadLog_MaxCountPagesThroughEverything()
    {
        for (var i = 0; i < 10; i++)
        {
            await Log.AppendAsync("p", "1", [Draft("ns", "k", i)]);
        }

        var all = await Log.ReadAsync("ns", 0, 1000);
        var paged = new List<StreamEventRecord>();
        var after = 0L;
        var pages = 0;
        while (pages < 20)
        {
            var page = await Log.ReadAsync("ns", after, 3);
            if (page.Count == 0)
            {
                break;
            }

            Assert.True(page.Count <= 3);
            pages++;
            paged.AddRange(page);
            after = page[^1].Position;
        }

        Assert.Equal(4, pages);
        Assert.Equal(all, paged, EventComparer.Instance);
        Assert.Equal(10, paged.Count);
    }

    [Fact]
    public async Task ReadLog_BadArguments_Throw()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.ReadAsync("ns", -1, 10).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.ReadAsync("ns", 0, 0).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.ReadAsync(null!, 0, 10).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.AppendAsync("", "k", [Draft("ns", "k", 1)]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.AppendAsync("p", "k", [new StreamEventDraft("ns", "k", "t", "{bad")]).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.SaveCheckpointAsync("sub", -1).AsTask());
        await Assert.ThrowsAnyAsync<ArgumentException>(() => Log.GetCheckpointAsync("").AsTask());
        Assert.Equal(0, await Log.GetHeadPositionAsync());
    }

    [Fact]
    public async Task Checkpoints_NeverMoveBackwardAndArePerSubscription()
    {
        Assert.Equal(0, await Log.GetCheckpointAsync("sub-a"));

        await Log.SaveCheckpointAsync("sub-a", 5);
        Assert.Equal(5, await Log.GetCheckpointAsync("sub-a"));
        await Log.SaveCheckpointAsync("sub-a", 3);
        Assert.Equal(5, await Log.GetCheckpointAsync("sub-a"));
        await Log.SaveCheckpointAsync("sub-a", 5);
        Assert.Equal(5, await Log.GetCheckpointAsync("sub-a"));
        await Log.SaveCheckpointAsync("sub-a", 12);
        Assert.Equal(12, await Log.GetCheckpointAsync("sub-a"));

        Assert.Equal(0, await Log.GetCheckpointAsync("sub-b"));
        await Log.SaveCheckpointAsync("sub-b", 1);
        Assert.Equal(1, await Log.GetCheckpointAsync("sub-b"));
        Assert.Equal(12, await Log.GetCheckpointAsync("sub-a"));
    }

    [Fact]
    public async Task DeadLetters_RoundTripPerSubscriptionOldestFirst()
    {
        await Log.AppendAsync("p", "k/1", [Draft("ns", "s", 1), Draft("ns", "s", 2)]);
        var events = await Log.ReadAsync("ns", 0, 10);
        var at = new DateTimeOffset(2026, 3, 4, 5, 6, 7, 890, TimeSpan.Zero);

        await Log.DeadLetterAsync(new DeadLetterRecord("sub-a", events[1], 3, "boom ✗", at));
        await Log.DeadLetterAsync(new DeadLetterRecord("sub-b", events[0], 1, "other", at));
        await Log.DeadLetterAsync(new DeadLetterRecord("sub-a", events[0], 5, "again", at.AddSeconds(1)));

        var a = await Log.ReadDeadLettersAsync("sub-a");
        Assert.Equal(2, a.Count);
        Assert.Equal(["boom ✗", "again"], a.Select(d => d.Error));
        Assert.Equal([3, 5], a.Select(d => d.Attempts));
        Assert.Equal(at, a[0].DeadLetteredAt);
        Assert.Equal(at.AddSeconds(1), a[1].DeadLetteredAt);
        Assert.Equal(events[1], a[0].Event, EventComparer.Instance);
        Assert.Equal(events[0], a[1].Event, EventComparer.Instance);
        Assert.All(a, d => Assert.Equal("sub-a", d.Subscription));
        Assert.Single(await Log.ReadDeadLettersAsync("sub-b"));
        Assert.Empty(await Log.ReadDeadLettersAsync("sub-c"));
    }

    [Fact]
    public async Task HeadPosition_ZeroWhenEmptyThenLastPosition()
    {
        Assert.Equal(0, await Log.GetHeadPositionAsync());

        var positions = await Log.AppendAsync("p", "1", [Draft("a", "k", 1), Draft("b", "k", 2), Draft("a", "k", 3)]);
        Assert.Equal(positions[^1], await Log.GetHeadPositionAsync());
        AssertStrictlyIncreasing(positions);

        await WriteAsync(Key(), "{}", null, Draft("c", "k", 4));
        var c = Assert.Single(await Log.ReadAsync("c", 0, 10));
        Assert.Equal(c.Position, await Log.GetHeadPositionAsync());
        Assert.True(c.Position > positions[^1]);

        // Clear publishes nothing.
        await Storage.ClearAsync(Key(), "1");
        Assert.Equal(c.Position, await Log.GetHeadPositionAsync());
    }

    protected static void AssertStrictlyIncreasing(IEnumerable<long> values)
    {
        long? previous = null;
        foreach (var value in values)
        {
            Assert.True(previous is null || value > previous, $"{value} does not follow {previous}.");
            previous = value;
        }
    }

    /// <summary>Compares events on every field but the timestamp, JSON payloads by value (jsonb reformats text).</summary>
    protected sealed class EventComparer : IEqualityComparer<StreamEventRecord>
    {
        public static readonly EventComparer Instance = new();

        public bool Equals(StreamEventRecord? x, StreamEventRecord? y) =>
            x is not null && y is not null
            && x.Position == y.Position
            && x.StreamNamespace == y.StreamNamespace
            && x.StreamKey == y.StreamKey
            && x.ProducerType == y.ProducerType
            && x.ProducerKey == y.ProducerKey
            && x.ProducerSequence == y.ProducerSequence
            && x.PayloadType == y.PayloadType
            && System.Text.Json.Nodes.JsonNode.DeepEquals(
                System.Text.Json.Nodes.JsonNode.Parse(x.PayloadJson), System.Text.Json.Nodes.JsonNode.Parse(y.PayloadJson));

        public int GetHashCode(StreamEventRecord obj) => obj.Position.GetHashCode();
    }
}
