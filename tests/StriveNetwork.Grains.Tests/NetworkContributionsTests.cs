using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// The network grain's copy of the shards' contributions (ADR 0021): whatever order deltas arrive in, however often,
/// and with some lost, it equals the sum of each shard's stored counts at the sequence it holds, and its version
/// never falls.
/// </summary>
public sealed class NetworkContributionsTests
{
    private static readonly string[] Paths = ["partnership_count", "gateways[Exploring]", "designations[ProofPoint]"];

    [Fact]
    public void AnyDeliveryOrder_WithRepeatsAndLosses_EqualsTheShardsStoredCounts()
    {
        for (var seed = 0; seed < 300; seed++)
        {
            var random = new Random(seed);
            var shards = Enumerable.Range(0, 3).Select(i => new StoredShard($"shard-{i:00}")).ToArray();
            var inFlight = new List<ShardDelta>();
            var network = new NetworkContributions();
            foreach (var shard in shards)
            {
                network.Take(shard.Counts()); // the activation: every shard's stored counts, all empty here
            }

            var version = network.SequenceSum;
            for (var step = 0; step < 200; step++)
            {
                if (random.Next(3) == 0 || inFlight.Count == 0)
                {
                    var delta = shards[random.Next(shards.Length)].Store(random);
                    inFlight.Add(delta);
                    if (random.Next(4) == 0)
                    {
                        inFlight.Add(delta); // a redelivery after a lost acknowledgement
                    }
                }
                else
                {
                    var delta = inFlight[random.Next(inFlight.Count)];
                    inFlight.Remove(delta);
                    if (random.Next(10) == 0)
                    {
                        continue; // dead-lettered: never delivered
                    }

                    if (network.Apply(delta) == DeltaOutcome.Gap)
                    {
                        network.Take(shards.Single(s => s.Key == delta.ShardKey).Counts());
                    }
                }

                Assert.True(network.SequenceSum >= version, $"seed {seed}: the version fell");
                version = network.SequenceSum;
                AssertEqualsHeldSequences(network, shards, seed);
            }

            foreach (var shard in shards)
            {
                network.Take(shard.Counts()); // a later activation, or a recomputation
            }

            AssertEqualsHeldSequences(network, shards, seed);
            Assert.Equal(shards.Sum(s => s.Sequence), network.SequenceSum);
            Assert.Equal(0, network.Repairs);
        }
    }

    [Fact]
    public void OlderCounts_ChangeNothing_AndADriftedCopyIsRepairedAsANewVersion()
    {
        var shard = new StoredShard("shard-00");
        var random = new Random(7);
        var network = new NetworkContributions();
        var first = shard.Counts();
        var deltas = Enumerable.Range(0, 3).Select(_ => shard.Store(random)).ToList();
        Assert.True(deltas.All(d => network.Apply(d) == DeltaOutcome.Applied));
        Assert.Equal(DeltaOutcome.Skipped, network.Apply(deltas[1]));

        Assert.False(network.Take(first)); // read before the deltas: older than what is applied
        Assert.False(network.Take(shard.Counts()));
        Assert.Equal(3, network.SequenceSum);
        Assert.Equal(0, network.Repairs);

        // The same sequence with other counts can only be a copy that drifted: taken, and counted as a repair so the
        // rollup's version moves with its content.
        var drifted = shard.Counts() with { Counts = new Dictionary<string, long>(shard.Counts().Counts, StringComparer.Ordinal) { ["extra"] = 1 } };
        Assert.True(network.Take(drifted));
        Assert.Equal((3, 1L, 1L), (network.SequenceSum, network.Repairs, network.Total.Counts.GetValueOrDefault("extra")));
        Assert.True(network.Take(shard.Counts()));
        Assert.Equal(2, network.Repairs);
        Assert.False(network.Total.Counts.ContainsKey("extra"));
    }

    [Fact]
    public void UpdateTime_IsTheLatestShardWriteApplied()
    {
        var t0 = new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var network = new NetworkContributions();
        Assert.Equal(DeltaOutcome.Applied, network.Apply(new ShardDelta("shard-01", 1, new Dictionary<string, long> { ["partnership_count"] = 1 }, t0.AddSeconds(5))));
        Assert.Equal(DeltaOutcome.Applied, network.Apply(new ShardDelta("shard-02", 1, new Dictionary<string, long> { ["partnership_count"] = 1 }, t0.AddSeconds(2))));
        Assert.Equal(t0.AddSeconds(5), network.UpdateTime);
        network.Take(new ShardCounts("shard-03", 4, 1, new Dictionary<string, long> { ["partnership_count"] = 1 }, t0.AddSeconds(9)));
        Assert.Equal((t0.AddSeconds(9), 6L, 3L), (network.UpdateTime, network.SequenceSum, network.Total.Counts["partnership_count"]));
    }

    private static void AssertEqualsHeldSequences(NetworkContributions network, StoredShard[] shards, int seed)
    {
        var expected = RollupCounter.FromCounts(shards.SelectMany(s => s.CountsAt(network.SequenceOf(s.Key))));
        Assert.True(RollupCounter.Compare(expected, network.Total).Count == 0, $"seed {seed}: the copy differs from the shards' stored counts");
        Assert.Equal(shards.Sum(s => network.SequenceOf(s.Key)), network.SequenceSum);
    }

    /// <summary>A shard as its storage holds it: counts after each of its consecutive deltas.</summary>
    private sealed class StoredShard(string key)
    {
        private readonly List<Dictionary<string, long>> _history = [[]];

        public string Key { get; } = key;

        public long Sequence => _history.Count - 1;

        public ShardDelta Store(Random random)
        {
            var changes = new Dictionary<string, long>(StringComparer.Ordinal) { [Paths[random.Next(Paths.Length)]] = random.Next(-2, 4) };
            var counts = RollupCounter.FromCounts(_history[^1]);
            counts.Apply(changes);
            _history.Add(counts.Copy());
            return new ShardDelta(Key, Sequence, changes);
        }

        public IReadOnlyDictionary<string, long> CountsAt(long sequence) => _history[(int)sequence];

        public ShardCounts Counts() => new(Key, Sequence, 0, _history[^1]);
    }
}
