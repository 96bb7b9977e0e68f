using Orleans.Storage;

namespace StriveNetwork.Providers.Tests.Conformance;

public abstract partial class GrainStorageConformanceTests
{
    /// <summary>
    /// Model-based check: a seeded random sequence of reads, writes and clears with current, null, stale and garbage
    /// ETags over keys that collide under naive encodings, compared step by step with an in-test model (the ETag rules
    /// written down in the simplest possible way).
    /// </summary>
    [Theory]
    [InlineData(1)]
    [InlineData(2)]
    [InlineData(3)]
    public async Task ModelBased_RandomOperations_MatchModel(int seed)
    {
        var random = new Random(seed);
        (GrainId Grain, string State)[] keys = [(Grain("c", "a/b"), "s"), (Grain("b/c", "a"), "s"), (Grain("b/c", "a"), "t")];
        var model = keys.ToDictionary(k => k, _ => new ModelState());

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
                    var read = await ReadAsync(key.Grain, key.State);
                    Assert.Equal(state.ETag, read.ETag);
                    Assert.Equal(state.Exists, read.RecordExists);
                    AssertSameDoc(state.Doc, read.State);
                    break;
                case 1:
                    var doc = NewDoc(step);
                    if (accepted)
                    {
                        var newETag = await WriteAsync(key.Grain, doc, etag, key.State);
                        Assert.DoesNotContain(newETag, state.History);
                        state.Accept(newETag, doc, exists: true);
                    }
                    else
                    {
                        await Assert.ThrowsAsync<InconsistentStateException>(() => WriteAsync(key.Grain, doc, etag, key.State));
                    }

                    break;
                default:
                    if (accepted)
                    {
                        var newETag = await ClearAsync(key.Grain, etag, key.State);
                        Assert.DoesNotContain(newETag, state.History);
                        state.Accept(newETag, new Doc(), exists: false);
                    }
                    else
                    {
                        await Assert.ThrowsAsync<InconsistentStateException>(() => ClearAsync(key.Grain, etag, key.State));
                    }

                    break;
            }
        }
    }

    private sealed class ModelState
    {
        public string? ETag { get; private set; }

        public Doc Doc { get; private set; } = new();

        public bool Exists { get; private set; }

        public List<string> History { get; } = [];

        public void Accept(string etag, Doc doc, bool exists)
        {
            ETag = etag;
            Doc = doc;
            Exists = exists;
            History.Add(etag);
        }
    }
}
