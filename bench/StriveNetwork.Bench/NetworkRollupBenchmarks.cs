using System.Diagnostics;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Actors.Testing.TestCluster;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Bench;

/// <summary>
/// One partnership snapshot update on the sharded network rollup (64 shards, each writing ~N/64 snapshots, plus a
/// count delta to the network grain) against the single-grain design (every snapshot rewritten on every event), on
/// the real SQLite provider with durable commits, for 100 and 10,000 partnerships.
/// </summary>
[MemoryDiagnoser]
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class NetworkRollupBenchmarks
{
    private const string SingleGrainKey = "bench";
    private string? _folder;
    private InProcessTestCluster? _cluster;
    private INetworkGrain _network = null!;
    private IAllSnapshotsRollupGrain _single = null!;
    private long _updates;
    private long _rejected;

    [Params(100, 10_000)]
    public int Partnerships { get; set; }

    [GlobalSetup(Target = nameof(ShardedRollup_OneSnapshotUpdate))]
    public void SetupSharded()
    {
        var watch = Stopwatch.StartNew();
        Start();
        foreach (var chunk in Enumerable.Range(0, Partnerships).Chunk(64))
        {
            var taken = Task.WhenAll(chunk.Select(i => _network.ApplySnapshotAsync(Snapshot(i, 1)))).GetAwaiter().GetResult();
            if (taken.Contains(false))
            {
                throw new InvalidOperationException("A seed snapshot was not taken.");
            }
        }

        var count = _network.GetRollupAsync().GetAwaiter().GetResult().PartnershipCount;
        Check(count, "sharded rollup after seeding");
        Console.WriteLine($"// Seeded the sharded rollup with {Partnerships} partnerships in {watch.Elapsed.TotalSeconds:0.0} s.");
    }

    [GlobalSetup(Target = nameof(SingleGrainRollup_OneSnapshotUpdate))]
    public void SetupSingleGrain()
    {
        var watch = Stopwatch.StartNew();
        Start();
        _single.SeedAsync([.. Enumerable.Range(0, Partnerships).Select(i => Snapshot(i, 1))]).GetAwaiter().GetResult();
        Check(_single.GetPartnershipCountAsync().GetAwaiter().GetResult(), "single-grain rollup after seeding");
        Console.WriteLine($"// Seeded the single-grain rollup with {Partnerships} partnerships in {watch.Elapsed.TotalSeconds:0.0} s.");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            ReportStoredSizes().GetAwaiter().GetResult();
            Console.WriteLine($"// {_updates} updates, {_rejected} rejected (must be 0).");
            if (_rejected > 0)
            {
                throw new InvalidOperationException($"{_rejected} updates were no-ops; the measurement is invalid.");
            }
        }
        finally
        {
            _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            SqliteConnection.ClearAllPools();
            if (_folder is not null)
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    /// <summary>Shard write (~N/64 snapshots, with the delta event) then the network grain's count write.</summary>
    [Benchmark]
    public async Task ShardedRollup_OneSnapshotUpdate()
    {
        if (!await _network.ApplySnapshotAsync(NextSnapshot()))
        {
            _rejected++;
        }
    }

    /// <summary>One write of all N snapshots.</summary>
    [Benchmark(Baseline = true)]
    public async Task SingleGrainRollup_OneSnapshotUpdate()
    {
        if (!await _single.ApplySnapshotAsync(NextSnapshot()))
        {
            _rejected++;
        }
    }

    private void Start()
    {
        _folder = Directory.CreateTempSubdirectory("strive-bench-").FullName;
        var path = Path.Combine(_folder, "grains.db");
        _cluster = new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(PartnershipGrain).Assembly)
            .AddGrainAssembly(typeof(NetworkRollupBenchmarks).Assembly)
            .ConfigureOptions(o => o.ForceSerialization = false) // as in the silo: local calls pass references
            .ConfigureServices(s => s.AddStriveGrains())
            .UseStorage(_ => new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = path }))
            .BuildAndStartAsync().GetAwaiter().GetResult();
        _network = _cluster.Client.GetGrain<INetworkGrain>(GrainStreams.NetworkKey);
        _single = _cluster.Client.GetGrain<IAllSnapshotsRollupGrain>(SingleGrainKey);
    }

    /// <summary>
    /// Cycles through the partnerships with a rising sequence; the gateway moves with the sequence, so every update
    /// changes counts (the shard publishes a delta and the network grain writes).
    /// </summary>
    private PartnershipSnapshot NextSnapshot()
    {
        var n = _updates++;
        return Snapshot((int)(n % Partnerships), 2 + (n / Partnerships));
    }

    private void Check(int count, string what)
    {
        if (count != Partnerships)
        {
            throw new InvalidOperationException($"{what}: {count} partnerships, expected {Partnerships}.");
        }
    }

    private async Task ReportStoredSizes()
    {
        if (_cluster is null)
        {
            return;
        }

        var storage = _cluster.Storage;
        var single = await storage.ReadAsync(new GrainStateKey("all-snapshots-rollup", SingleGrainKey, "all-snapshots"));
        var network = await storage.ReadAsync(new GrainStateKey("network", GrainStreams.NetworkKey, "network"));
        var shards = new List<int>();
        foreach (var key in GrainStreams.NetworkShardKeys)
        {
            shards.Add((await storage.ReadAsync(new GrainStateKey("network-shard", key, "network-shard")))?.Json.Length ?? 0);
        }

        Console.WriteLine(
            $"// Stored JSON at N={Partnerships}: single grain {single?.Json.Length ?? 0:N0} chars; network grain {network?.Json.Length ?? 0:N0}; " +
            $"shards max {shards.Max():N0}, mean {shards.Average():N0}.");
    }

    /// <summary>Partnership i: gateway by i + sequence, Proof Point every fourth, trends and gaps on two outcomes, history 2019–2024.</summary>
    private static PartnershipSnapshot Snapshot(int i, long sequence)
    {
        var gateway = (GatewayStage)(((i + sequence) % 6) + 1);
        Designation[] designations = i % 4 == 0 ? [Designation.ProofPoint] : [];
        OutcomeTrend[] trends = [new(Outcome.EarlyGradeReading, TrendDirection.Improved), new(Outcome.HighSchoolGraduation, (TrendDirection)((i % 3) + 1))];
        OutcomeGapCounts[] gaps = [new(Outcome.EarlyGradeReading, GapChangeCounts.Zero.Add(GapChange.Reduced))];
        return new PartnershipSnapshot(
            $"p-{i:00000}", sequence, $"Partnership {i}", i % 2 == 0 ? "OH" : "CA", i % 5 == 0 ? "toa-5g-2016" : "toa-6g", gateway, designations,
            trends, gaps, [],
            [.. Enumerable.Range(2019, 6).Select(y => new YearStatus(y, gateway, designations, trends, GapChangeCounts.Zero.Add(GapChange.Reduced)))],
            []);
    }
}
