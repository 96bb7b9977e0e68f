using Microsoft.Extensions.DependencyInjection;
using Npgsql;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Postgres;
using StriveNetwork.Actors.Sqlite;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Actors.Tests.Providers;

/// <summary>
/// Grains on the test cluster with the providers users run: state and outbox events survive a cluster restart,
/// and the stream pump resumes from its durable checkpoint without losing or redelivering events.
/// </summary>
public abstract class DurableClusterTests : IAsyncLifetime
{
    private const string Subscription = "scoresubscriber/scores";

    protected TestProbe Probe { get; } = new();

    protected DeliveryLedger Ledger { get; } = new();

    /// <summary>A new provider instance over the same durable store on every call (a restarted process).</summary>
    protected abstract IGrainStorage OpenStorage();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task StateAndCheckpoints_SurviveClusterRestart()
    {
        await using (var first = await StartClusterAsync())
        {
            var counter = first.Client.GetGrain<ICounterGrain>("durable");
            Assert.Equal(3, await counter.Increment(3));
            Assert.Equal(7, await counter.Increment(4));

            var producer = first.Client.GetGrain<IScoreProducerGrain>("durable");
            await producer.PublishWithState("d1", 1);
            await producer.PublishWithState("d1", 2);
            await Probe.WaitForAsync("got:d1:2:seq2:scoreproducer/durable");
            await Probe.WaitUntilAsync(() => first.StreamLog.GetCheckpointAsync(Subscription).AsTask().Result >= 2, "checkpoint 2");
            await first.StopAsync();
        }

        var eventsBeforeRestart = Probe.Events.Count;
        await using var second = await StartClusterAsync();

        Assert.Equal(7, await second.Client.GetGrain<ICounterGrain>("durable").Get());
        await second.Client.GetGrain<IScoreProducerGrain>("durable").PublishWithState("d1", 3);

        // The producer sequence continues from the stored one, and only the new event is delivered after restart.
        await Probe.WaitForAsync("got:d1:3:seq3:scoreproducer/durable");
        Assert.DoesNotContain(Probe.Events.Skip(eventsBeforeRestart), e => e.StartsWith("got:d1:1:", StringComparison.Ordinal) || e.StartsWith("got:d1:2:", StringComparison.Ordinal));
    }

    [Fact]
    public async Task StaleWrite_FromAnotherWriter_IsRejectedAndTheGrainRereads()
    {
        await using var cluster = await StartClusterAsync();
        var counter = cluster.Client.GetGrain<ICounterGrain>("contended");
        Assert.Equal(1, await counter.Increment(1));

        // Another process writes the same record behind the activation's back.
        var key = new GrainStateKey("counter", "contended", "counter");
        var stored = await cluster.Storage.ReadAsync(key);
        Assert.NotNull(stored);
        await cluster.Storage.WriteAsync(key, """{"Count":41}""", stored.SchemaVersion, stored.ETag, []);

        await Assert.ThrowsAsync<InconsistentStateException>(() => counter.Increment(1));
        Assert.Equal(42, await counter.Increment(1));
    }

    [Fact]
    public async Task ConcurrentDelivery_KeepsLogOrderPerGrainAndCheckpointsWholeBatches()
    {
        await using var cluster = await StartClusterAsync();
        string[] keys = ["k0", "k1", "k2", "k3", "k4", "k5"];
        for (var round = 1; round <= 4; round++)
        {
            var value = round;
            await Task.WhenAll(
                cluster.Client.GetGrain<IOrderedProducerGrain>("x").PublishAtomically([.. keys.Select(k => new OrderedTarget(k, value, "ok"))]),
                cluster.Client.GetGrain<IOrderedProducerGrain>("y").PublishAtomically([.. keys.Reverse().Select(k => new OrderedTarget(k, value, "ok"))]));
        }

        var head = await cluster.StreamLog.GetHeadPositionAsync();
        await Ledger.WaitUntilAsync(
            () => cluster.StreamLog.GetCheckpointAsync("orderedsubscriber/ordered").AsTask().GetAwaiter().GetResult() == head,
            $"checkpoint {head}");

        var handled = Ledger.Handled;
        Assert.Equal(keys.Length * 2 * 4, handled.Count);
        foreach (var key in keys)
        {
            var positions = handled.Where(h => h.Key == key).Select(h => h.Position).ToList();
            Assert.Equal(positions.Order(), positions);
            Assert.Equal(positions.Count, positions.Distinct().Count());
        }
    }

    private async Task<InProcessTestCluster> StartClusterAsync()
    {
        var storage = OpenStorage();
        await storage.InitializeAsync();
        return await new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(DurableClusterTests).Assembly)
            .ConfigureOptions(o => o.StreamRetryInitialBackoff = TimeSpan.Zero)
            .ConfigureServices(s => s.AddSingleton(Probe).AddSingleton(Ledger))
            .UseStorage(_ => storage)
            .BuildAndStartAsync();
    }
}

public sealed class SqliteDurableClusterTests : DurableClusterTests, IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("strive-cluster-").FullName;

    protected override IGrainStorage OpenStorage() =>
        new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = Path.Combine(_folder, "cluster.db") });

    public void Dispose()
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        Directory.Delete(_folder, recursive: true);
    }
}

public sealed class PostgresDurableClusterTests : DurableClusterTests
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N");

    private static string ConnectionString =>
        Environment.GetEnvironmentVariable("STRIVE_TEST_POSTGRES") is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                "STRIVE_TEST_POSTGRES is not set: these tests need a PostgreSQL server (scripts/test.sh starts one).");

    protected override IGrainStorage OpenStorage() =>
        new PostgresGrainStorage(new PostgresGrainStorageOptions { ConnectionString = ConnectionString, Schema = _schema });

    public override async Task DisposeAsync()
    {
        await using var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_schema}\" CASCADE", connection);
        await command.ExecuteNonQueryAsync();
    }
}
