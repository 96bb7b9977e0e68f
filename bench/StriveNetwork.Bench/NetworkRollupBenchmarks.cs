using System.Diagnostics;
using System.Globalization;
using BenchmarkDotNet.Attributes;
using Microsoft.Data.Sqlite;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Bench;

/// <summary>
/// One partnership snapshot update on the network rollup (docs/adr/0016: the partnership's update carries the
/// snapshot its shard counted and the new one; the shard writes its small directory, its counts and a delta, then
/// the network grain its counts) against the single-grain design (every snapshot rewritten on every event), on the
/// project's SQLite Orleans provider with durable commits, in a one-silo Orleans host, for networks of 100 and
/// 10,000 partnerships × 20 indicators. The "Median / smallest N" column is the issue 13 figure (target ≤ 1.5).
/// </summary>
[MemoryDiagnoser]
[Config(typeof(NetworkScalingConfig))]
[GcServer(true)] // as the silo runs (the Web SDK turns server GC on)
[MedianColumn]
[SimpleJob(launchCount: 1, warmupCount: 3, iterationCount: 10)]
public class NetworkRollupBenchmarks // not sealed: BenchmarkDotNet derives its runner from it
{
    private const string SingleGrainKey = "bench";
    private static readonly Outcome[] CoreOutcomes =
    [
        Outcome.KindergartenReadiness, Outcome.EarlyGradeReading, Outcome.MiddleGradeMath, Outcome.HighSchoolGraduation,
        Outcome.PostsecondaryEnrollment, Outcome.PostsecondaryCompletion, Outcome.Employment,
    ];

    private static readonly GapChange[] Gaps = [GapChange.Reduced, GapChange.Unchanged, GapChange.Widened, GapChange.Eliminated, GapChange.InsufficientData];
    private string? _folder;
    private string? _databasePath;
    private BenchSilo? _silo;
    private INetworkGrain _network = null!;
    private IAllSnapshotsRollupGrain _single = null!;
    private long _updates;
    private long _rejected;

    /// <summary>
    /// 100 and 10,000; <c>STRIVE_BENCH_PARTNERSHIPS</c> (comma-separated) overrides them, so that a smoke run of the
    /// suite need not seed 10,000 partnerships (BenchmarkDotNet has no command-line option for params; its runner
    /// processes inherit the variable).
    /// </summary>
    [ParamsSource(nameof(PartnershipCounts))]
    public int Partnerships { get; set; }

    public static IEnumerable<int> PartnershipCounts() =>
        Environment.GetEnvironmentVariable("STRIVE_BENCH_PARTNERSHIPS") is { Length: > 0 } counts
            ? counts.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).Select(c => int.Parse(c, CultureInfo.InvariantCulture))
            : [100, 10_000];

    [GlobalSetup(Target = nameof(ShardedRollup_OneSnapshotUpdate))]
    public void SetupSharded()
    {
        var watch = Stopwatch.StartNew();
        Start();
        foreach (var chunk in Enumerable.Range(0, Partnerships).Chunk(64))
        {
            var taken = Task.WhenAll(chunk.Select(i => _network.ApplySnapshotAsync(new SnapshotUpdate(null, Snapshot(i, 1))))).GetAwaiter().GetResult();
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
            ReportStoredSizes();
            Console.WriteLine($"// {_updates} updates, {_rejected} rejected (must be 0).");
            if (_rejected > 0)
            {
                throw new InvalidOperationException($"{_rejected} updates were no-ops; the measurement is invalid.");
            }
        }
        finally
        {
            _silo?.Dispose();
            SqliteConnection.ClearAllPools();
            if (_folder is not null)
            {
                Directory.Delete(_folder, recursive: true);
            }
        }
    }

    /// <summary>Shard write (~N/64 directory entries, its counts and the delta event), then the network grain counts the delta in memory (ADR 0021).</summary>
    [Benchmark]
    public async Task ShardedRollup_OneSnapshotUpdate()
    {
        var latest = NextSnapshot();
        if (!await _network.ApplySnapshotAsync(new SnapshotUpdate(Snapshot(PartnershipIndex(latest), latest.Sequence - 1), latest)))
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
        var path = Path.Combine(_folder, "strive.db");
        _databasePath = path;
        // As the silo executable configures a SQLite data directory: state and reminders (the outbox's resume
        // reminder) in one file, default durable commits, the grains' services. In-process calls pass [Immutable]
        // messages (all of the abstractions' records) by reference, as in the silo.
        _silo = BenchSilo.Start(silo =>
        {
            silo.AddSqliteGrainStorageAsDefault(o => o.FilePath = path);
            silo.UseSqliteReminderService(o => o.FilePath = path);
            silo.Services.AddStriveGrains();
        });
        _network = _silo.Grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);
        _single = _silo.Grains.GetGrain<IAllSnapshotsRollupGrain>(SingleGrainKey);
    }

    /// <summary>
    /// Cycles through the partnerships with a rising sequence; the gateway moves with the sequence, so every update
    /// changes counts (the shard publishes a delta and the network grain counts it).
    /// </summary>
    private PartnershipSnapshot NextSnapshot()
    {
        var n = _updates++;
        return Snapshot((int)(n % Partnerships), 2 + (n / Partnerships));
    }

    private static int PartnershipIndex(PartnershipSnapshot snapshot) => int.Parse(snapshot.PartnershipId.AsSpan(2), CultureInfo.InvariantCulture);

    private void Check(int count, string what)
    {
        if (count != Partnerships)
        {
            throw new InvalidOperationException($"{what}: {count} partnerships, expected {Partnerships}.");
        }
    }

    /// <summary>
    /// Prints the stored JSON sizes, read straight from the SQLite file (a second, read-only connection: WAL lets it
    /// read beside the silo's writer), since that size is what each design rewrites per event.
    /// </summary>
    private void ReportStoredSizes()
    {
        if (_databasePath is null || !File.Exists(_databasePath))
        {
            return;
        }

        using var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = _databasePath, Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString());
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT grain_type, state_name, COUNT(*), MAX(length(payload)), AVG(length(payload)) FROM grain_state GROUP BY grain_type, state_name ORDER BY grain_type";
        using var reader = command.ExecuteReader();
        while (reader.Read())
        {
            Console.WriteLine(
                $"// Stored JSON at N={Partnerships}: {reader.GetString(0)}/{reader.GetString(1)}: {reader.GetInt64(2)} rows, " +
                $"max {reader.GetInt64(3):N0} chars, mean {reader.GetDouble(4):N0}.");
        }
    }

    /// <summary>
    /// Partnership i with 20 indicators: three per outcome on the seven core outcomes but one (20 in all), each with
    /// a trend (the outcome's trend is its first indicator's) and a disparity gap; gateway by i + sequence, Proof Point
    /// every fourth, 24 benchmark statuses, history 2015–2024. About the size of a real snapshot (~5 KB as JSON).
    /// </summary>
    private static PartnershipSnapshot Snapshot(int i, long sequence)
    {
        var gateway = (GatewayStage)(((i + sequence) % 6) + 1);
        Designation[] designations = i % 4 == 0 ? [Designation.ProofPoint] : [];
        var indicators = Enumerable.Range(0, 20).Select(k => (Outcome: CoreOutcomes[k / 3], Trend: (TrendDirection)(((i + k + sequence) % 3) + 1), Gap: Gaps[(i + k) % Gaps.Length])).ToList();
        OutcomeTrend[] trends = [.. indicators.GroupBy(x => x.Outcome).Select(g => new OutcomeTrend(g.Key, g.First().Trend))];
        OutcomeGapCounts[] gaps = [.. indicators.GroupBy(x => x.Outcome).Select(g => new OutcomeGapCounts(g.Key, g.Aggregate(GapChangeCounts.Zero, (c, x) => c.Add(x.Gap))))];
        var allGaps = indicators.Aggregate(GapChangeCounts.Zero, (c, x) => c.Add(x.Gap));
        BenchmarkStatusEntry[] statuses = [.. Enumerable.Range(1, 24).Select(b => new BenchmarkStatusEntry($"6G-B-{b:00}", (BenchmarkStatus)((b + i) % 3)))];
        return new PartnershipSnapshot(
            $"p-{i:00000}", sequence, $"Partnership {i}", i % 2 == 0 ? "OH" : "CA", i % 5 == 0 ? "toa-5g-2016" : "toa-6g", gateway, designations,
            trends, gaps, statuses,
            [.. Enumerable.Range(2015, 10).Select(y => new YearStatus(y, gateway, designations, trends, allGaps))],
            []);
    }
}
