using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Conformance;

public abstract partial class GrainStorageConformanceTests
{
    /// <summary>
    /// Model-based check: a seeded random sequence of reads, writes and clears with current, null, stale and
    /// garbage ETags over keys that collide under naive encodings, compared step by step with an in-test model
    /// (the ETag rules and the outbox written down in the simplest possible way).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ModelBased_RandomOperations_MatchModel(int seed)
    {
        var random = new Random(seed);
        GrainStateKey[] keys = [Key("a/b", "c", "s"), Key("a", "b/c", "s"), Key("a", "b/c", "t")];
        var model = keys.ToDictionary(k => k, _ => new ModelState());
        var expectedEvents = new List<(string ProducerType, string ProducerKey, long Sequence, string Payload)>();
        var sequences = new Dictionary<(string, string), long>();

        for (var step = 0; step < 120; step++)
        {
            var key = keys[random.Next(keys.Length)];
            var state = model[key];
            var etag = random.Next(4) switch
            {
                0 => state.ETag,
                1 => null,
                2 => state.History.Count > 0 ? state.History[random.Next(state.History.Count)] : "1",
                _ => "garbage",
            };
            var accepted = etag == state.ETag;
            switch (random.Next(3))
            {
                case 0:
                    var read = await Storage.ReadAsync(key);
                    if (state.ETag is null)
                    {
                        Assert.Null(read);
                    }
                    else
                    {
                        Assert.NotNull(read);
                        Assert.Equal(state.ETag, read.ETag);
                        Assert.Equal(state.Exists, read.RecordExists);
                        AssertJsonEqual(state.Json, read.Json);
                    }

                    break;
                case 1:
                    var json = $$"""{"step":{{step}}}""";
                    var drafts = Enumerable.Range(0, random.Next(3)).Select(i => Draft("model", key.GrainKey, (step * 10) + i)).ToArray();
                    if (accepted)
                    {
                        var newETag = await WriteAsync(key, json, etag, drafts);
                        Assert.DoesNotContain(newETag, state.History);
                        state.Accept(newETag, json, exists: true);
                        foreach (var draft in drafts)
                        {
                            var producer = (key.GrainType, key.GrainKey);
                            sequences[producer] = sequences.GetValueOrDefault(producer) + 1;
                            expectedEvents.Add((key.GrainType, key.GrainKey, sequences[producer], draft.PayloadJson));
                        }
                    }
                    else
                    {
                        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(key, json, etag, drafts));
                    }

                    break;
                default:
                    if (accepted)
                    {
                        var newETag = await Storage.ClearAsync(key, etag);
                        Assert.DoesNotContain(newETag, state.History);
                        state.Accept(newETag, "{}", exists: false);
                    }
                    else
                    {
                        await Assert.ThrowsAsync<InconsistentStateException>(() => Storage.ClearAsync(key, etag).AsTask());
                    }

                    break;
            }
        }

        var events = await Log.ReadAsync("model", 0, 10_000);
        Assert.Equal(expectedEvents.Count, events.Count);
        for (var i = 0; i < events.Count; i++)
        {
            Assert.Equal(expectedEvents[i].ProducerType, events[i].ProducerType);
            Assert.Equal(expectedEvents[i].ProducerKey, events[i].ProducerKey);
            Assert.Equal(expectedEvents[i].Sequence, events[i].ProducerSequence);
            AssertJsonEqual(expectedEvents[i].Payload, events[i].PayloadJson);
        }

        AssertStrictlyIncreasing(events.Select(e => e.Position));
    }

    private sealed class ModelState
    {
        public string? ETag { get; private set; }

        public string Json { get; private set; } = "{}";

        public bool Exists { get; private set; }

        public List<string> History { get; } = [];

        public void Accept(string etag, string json, bool exists)
        {
            ETag = etag;
            Json = json;
            Exists = exists;
            History.Add(etag);
        }
    }
}
