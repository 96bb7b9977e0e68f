using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Engines;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StriveNetwork.Actors;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Postgres;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Actors.Streams;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Bench;

/// <summary>
/// One subscription draining 2,000 events spread over 64 subscriber grains, each event a durable state write of its
/// grain, on the real SQLite provider (temp file, durable commits): the stream pump one event at a time
/// (StreamDeliveryParallelism = 1) against up to 16 grains at a time (the default).
/// </summary>
public class StreamDeliveryBenchmarks : StreamPumpBenchmarkBase
{
    private string? _folder;

    [Params(1, 16)]
    public int StreamDeliveryParallelism { get; set; }

    protected override int Parallelism => StreamDeliveryParallelism;

    protected override IGrainStorage OpenStorage()
    {
        _folder = Directory.CreateTempSubdirectory("strive-stream-bench-").FullName;
        return new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = Path.Combine(_folder, "grains.db") });
    }

    protected override void DeleteStorage()
    {
        SqliteConnection.ClearAllPools();
        if (_folder is not null)
        {
            Directory.Delete(_folder, recursive: true);
        }
    }
}

/// <summary>
/// The same measurement on PostgreSQL (a fresh schema, dropped afterwards), whose commits can overlap; needs
/// STRIVE_TEST_POSTGRES. Not matched by <c>--filter '*StreamDelivery*'</c> (hence its own parameter name); run it with
/// <c>--filter '*PostgresStreamPump*'</c>.
/// </summary>
public class PostgresStreamPumpBenchmarks : StreamPumpBenchmarkBase
{
    private readonly string _schema = "bench_" + Guid.NewGuid().ToString("N");

    /// <summary>StreamDeliveryParallelism.</summary>
    [Params(1, 16)]
    public int PumpParallelism { get; set; }

    protected override int Parallelism => PumpParallelism;

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("STRIVE_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException("STRIVE_TEST_POSTGRES is not set: this benchmark needs a PostgreSQL server.");

    protected override IGrainStorage OpenStorage() =>
        new PostgresGrainStorage(new PostgresGrainStorageOptions { ConnectionString = ConnectionString, Schema = _schema });

    protected override void DeleteStorage()
    {
        using var connection = new NpgsqlConnection(ConnectionString);
        connection.Open();
        using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        command.ExecuteNonQuery();
    }
}

/// <summary>
/// Each invocation is the time from the producer's write of 2,000 events (one transaction, which wakes the pump) until
/// the last of them is delivered; every delivery is a state write of the subscriber grain.
/// </summary>
[MedianColumn]
[SimpleJob(RunStrategy.Monitoring, launchCount: 1, warmupCount: 3, iterationCount: 9)]
public abstract class StreamPumpBenchmarkBase
{
    /// <summary>Events per invocation.</summary>
    public const int Events = 2_000;

    /// <summary>Subscriber grains (stream keys) the events are spread over, as many as the network rollup's shards.</summary>
    public const int Subscribers = 64;

    private static readonly TimeSpan DeliveryLimit = TimeSpan.FromMinutes(2);
    private readonly StreamBenchSink _sink = new();
    private InProcessTestCluster? _cluster;
    private IStreamBenchProducerGrain _producer = null!;
    private int _round;

    /// <summary>The StreamDeliveryParallelism of this run.</summary>
    protected abstract int Parallelism { get; }

    [GlobalSetup]
    public void Setup()
    {
        var storage = OpenStorage();
        _cluster = new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(StreamPumpBenchmarkBase).Assembly)
            .ConfigureOptions(o =>
            {
                o.ForceSerialization = false; // as in the silo: local calls pass references
                o.StreamDeliveryParallelism = Parallelism;
            })
            .ConfigureServices(s => s.AddSingleton(_sink))
            .UseStorage(_ => storage)
            .BuildAndStartAsync().GetAwaiter().GetResult();
        _producer = _cluster.Client.GetGrain<IStreamBenchProducerGrain>("producer");
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        try
        {
            if (_cluster is not null)
            {
                var checkpoint = _cluster.StreamLog.GetCheckpointAsync(StreamBenchSubscriberGrain.Subscription).AsTask().GetAwaiter().GetResult();
                var head = _cluster.StreamLog.GetHeadPositionAsync().AsTask().GetAwaiter().GetResult();
                var deadLetters = _cluster.StreamLog.ReadDeadLettersAsync(StreamBenchSubscriberGrain.Subscription).AsTask().GetAwaiter().GetResult();
                Console.WriteLine($"// P={Parallelism}: {_round} rounds, {_sink.Total} deliveries, {_sink.OutOfOrder} out of order (must be 0), checkpoint {checkpoint} / head {head}, {deadLetters.Count} dead letters.");
                if (_sink.OutOfOrder > 0 || deadLetters.Count > 0)
                {
                    throw new InvalidOperationException("A subscriber saw its events out of order or an event was dead-lettered; the measurement is invalid.");
                }
            }
        }
        finally
        {
            _cluster?.DisposeAsync().AsTask().GetAwaiter().GetResult();
            DeleteStorage();
        }
    }

    /// <summary>Publishes 2,000 events to 64 grains in one transaction and waits until all of them are delivered.</summary>
    [Benchmark]
    public async Task Deliver2000EventsTo64Grains()
    {
        var round = ++_round;
        var delivered = _sink.Expect(Events);
        await _producer.PublishAsync(round, Events, Subscribers);
        await delivered.WaitAsync(DeliveryLimit);
    }

    /// <summary>A new provider over a new, empty store.</summary>
    protected abstract IGrainStorage OpenStorage();

    /// <summary>Removes the store after the cluster stopped.</summary>
    protected abstract void DeleteStorage();
}

/// <summary>One event of a round; <c>Index</c> is its index within the round (increasing per subscriber).</summary>
public sealed record StreamBenchTick(int Round, int Index);

/// <summary>A subscriber's durable counter and the last log position it applied (the idempotency guard).</summary>
public sealed record StreamBenchCount(long Count, long LastPosition);

/// <summary>Counts deliveries across subscriber grains so a benchmark can wait for the last one.</summary>
public sealed class StreamBenchSink
{
    private readonly Lock _lock = new();
    private TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _remaining;
    private long _total;
    private long _outOfOrder;

    public long Total => Interlocked.Read(ref _total);

    public long OutOfOrder => Interlocked.Read(ref _outOfOrder);

    public Task Expect(int count)
    {
        lock (_lock)
        {
            _remaining = count;
            _done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _done.Task;
        }
    }

    public void Delivered(bool inOrder)
    {
        Interlocked.Increment(ref _total);
        if (!inOrder)
        {
            Interlocked.Increment(ref _outOfOrder);
        }

        lock (_lock)
        {
            if (--_remaining == 0)
            {
                _done.TrySetResult();
            }
        }
    }
}

/// <summary>Publishes a round of events to the bench subscribers.</summary>
public interface IStreamBenchProducerGrain : IGrainWithStringKey
{
    /// <summary>Stages <paramref name="events"/> events round robin over <paramref name="subscribers"/> keys and commits them in one write.</summary>
    Task PublishAsync(int round, int events, int subscribers, CancellationToken cancellationToken = default);
}

[GrainType("stream-bench-producer")]
public sealed class StreamBenchProducerGrain(
    [PersistentState("rounds")] IPersistentState<StreamBenchCount> state) : Grain, IStreamBenchProducerGrain
{
    public async Task PublishAsync(int round, int events, int subscribers, CancellationToken cancellationToken = default)
    {
        for (var i = 0; i < events; i++)
        {
            StageEvent(StreamBenchSubscriberGrain.Namespace, $"s{i % subscribers:00}", new StreamBenchTick(round, i));
        }

        state.State = state.State with { Count = state.State.Count + 1 };
        await state.WriteStateAsync(cancellationToken);
    }
}

/// <summary>A minimal realistic subscriber: skips redeliveries by position, otherwise counts and writes its state.</summary>
[GrainType("stream-bench-subscriber")]
[ImplicitStreamSubscription(Namespace)]
public sealed class StreamBenchSubscriberGrain(
    [PersistentState("count")] IPersistentState<StreamBenchCount> state,
    StreamBenchSink sink) : Grain, IStreamSubscriber
{
    public const string Namespace = "stream-bench";

    public const string Subscription = "stream-bench-subscriber/" + Namespace;

    private int _lastIndex = -1;
    private int _lastRound;

    public async Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        if (streamEvent.Record.Position <= state.State.LastPosition)
        {
            return;
        }

        var tick = streamEvent.GetPayload<StreamBenchTick>();
        var inOrder = tick.Round > _lastRound || (tick.Round == _lastRound && tick.Index > _lastIndex);
        (_lastRound, _lastIndex) = (tick.Round, tick.Index);
        state.State = new StreamBenchCount(state.State.Count + 1, streamEvent.Record.Position);
        await state.WriteStateAsync(cancellationToken);
        sink.Delivered(inOrder);
    }
}
