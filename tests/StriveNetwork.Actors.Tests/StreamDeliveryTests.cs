using System.Collections.Concurrent;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Streams;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Actors.Tests;

/// <summary>
/// Concurrent delivery within a pump batch: each subscriber grain gets its events in log order, different grains are
/// delivered concurrently, a failing grain does not hold the others, and the checkpoint moves once per batch, never past
/// an event that was neither delivered nor dead-lettered.
/// </summary>
public sealed class StreamDeliveryTests : IAsyncLifetime
{
    private const string Subscription = "orderedsubscriber/ordered";

    private readonly DeliveryLedger _ledger = new();
    private CheckpointAuditingStorage _storage = null!;
    private InProcessTestCluster? _cluster;

    private InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Cluster not started.");

    private IOrderedProducerGrain Producer(string key) => Cluster.Client.GetGrain<IOrderedProducerGrain>(key);

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        _ledger.ReleaseAllGates();
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    [Fact]
    public async Task EachGrain_ReceivesItsEventsInLogOrder_UnderConcurrentDelivery()
    {
        await StartAsync(o => o.StreamBatchSize = 32);
        string[] keys = [.. Enumerable.Range(0, 8).Select(i => $"k{i}")];
        string[] producers = ["p0", "p1", "p2"];
        const int Rounds = 15;
        var random = new Random(42);

        // Every round, the three producers append concurrently, each one transaction of one event per key in a
        // shuffled key order, so the log interleaves keys and producers.
        for (var round = 1; round <= Rounds; round++)
        {
            var value = round;
            var orders = producers.Select(_ => keys.OrderBy(_ => random.Next()).ToArray()).ToArray();
            await Task.WhenAll(producers.Select((p, i) => Producer(p).PublishAtomically([.. orders[i].Select(k => new OrderedTarget(k, value, "ok"))])));
        }

        var total = keys.Length * producers.Length * Rounds;
        var head = await Cluster.StreamLog.GetHeadPositionAsync();
        await WaitForCheckpointAsync(head);

        var handled = _ledger.Handled;
        Assert.Equal(total, handled.Count);
        Assert.Equal(total, handled.Select(h => h.Position).Distinct().Count());
        foreach (var key in keys)
        {
            var seen = handled.Where(h => h.Key == key).ToList();
            Assert.Equal(producers.Length * Rounds, seen.Count);
            AssertStrictlyIncreasing(seen.Select(h => h.Position), $"positions seen by {key}");
            foreach (var producer in producers)
            {
                var fromProducer = seen.Where(h => h.Producer == $"orderedproducer/{producer}").ToList();
                AssertStrictlyIncreasing(fromProducer.Select(h => h.Sequence), $"sequences of {producer} seen by {key}");
                Assert.Equal(Enumerable.Range(1, Rounds), fromProducer.Select(h => h.Value));
            }
        }

        Assert.Empty(_ledger.Violations);
        var saved = _storage.SavedCheckpoints;
        AssertStrictlyIncreasing(saved, "saved checkpoints");
        Assert.Equal(head, saved[^1]);
        Assert.True(saved.Count <= total / 2, $"The checkpoint was saved {saved.Count} times for {total} events; it must be once per batch.");
    }

    [Fact]
    public async Task DifferentKeys_AreDeliveredConcurrently()
    {
        await StartAsync();

        // One transaction, so both events are in the pump's first batch; "a" is first in the log.
        await Producer("p").PublishAtomically([new("a", 1, "block"), new("b", 1, "ok")]);

        try
        {
            // A pump delivering one event at a time never reaches "b" while "a" waits for it.
            await _ledger.WaitUntilAsync(() => _ledger.WasHandled("b", 1), "b handled while a is blocked");
            Assert.False(_ledger.WasHandled("a", 1));
        }
        finally
        {
            _ledger.Gate("a").TrySetResult();
        }

        await _ledger.WaitUntilAsync(() => _ledger.WasHandled("a", 1), "a handled after its gate opened");
        await WaitForCheckpointAsync(2);
        Assert.Equal(["b", "a"], _ledger.Handled.Select(h => h.Key));
    }

    [Fact]
    public async Task Checkpoint_StaysBeforeABlockedKeyAndMovesToTheBatchEndAfterIt()
    {
        await StartAsync();
        await Producer("p").Publish("c", 0, "ok");
        await WaitForCheckpointAsync(1);

        await Producer("p").PublishAtomically([new("a", 1, "block"), new("b", 1, "ok"), new("b", 2, "ok"), new("c", 1, "ok")]);
        try
        {
            await _ledger.WaitUntilAsync(
                () => _ledger.WasHandled("b", 2) && _ledger.WasHandled("c", 1),
                "b and c handled while a is blocked");

            // Everything after position 1 except "a" is delivered, but "a" (position 2) is not: the checkpoint stays.
            Assert.Equal(1, await Cluster.StreamLog.GetCheckpointAsync(Subscription));
        }
        finally
        {
            _ledger.Gate("a").TrySetResult();
        }

        await WaitForCheckpointAsync(5);
        Assert.Equal([1L, 5], _storage.SavedCheckpoints);
        Assert.Empty(_ledger.Violations);
    }

    [Fact]
    public async Task FailingKey_IsRetriedAndDeadLetteredWithoutBlockingOtherKeys()
    {
        await StartAsync(o =>
        {
            o.StreamRetryInitialBackoff = TimeSpan.FromSeconds(1);
            o.StreamRetryMaxBackoff = TimeSpan.FromSeconds(4);
            o.StreamMaxDeliveryAttempts = 3;
        });

        await Producer("p").PublishAtomically(
            [new("f", 1, "fail"), new("a", 1, "ok"), new("f", 2, "ok"), new("a", 2, "ok"), new("b", 1, "ok")]);

        // The clock has not moved, so "f" sits in its first backoff while the other keys finish.
        await _ledger.WaitUntilAsync(
            () => _ledger.WasHandled("a", 2) && _ledger.WasHandled("b", 1),
            "a and b handled while f is backing off");
        Assert.Equal(1, _ledger.Attempts("f", 1));
        Assert.False(_ledger.WasHandled("f", 2));
        Assert.Equal(0, await Cluster.StreamLog.GetCheckpointAsync(Subscription));

        // Drive the backoff with the manual clock until f's later event gets through.
        await _ledger.WaitUntilAsync(
            () =>
            {
                Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
                return _ledger.WasHandled("f", 2);
            },
            "f's second event after the first was dead-lettered");

        Assert.Equal(3, _ledger.Attempts("f", 1));
        var deadLetter = Assert.Single(await Cluster.StreamLog.ReadDeadLettersAsync(Subscription));
        Assert.Equal(("f", 1L, 3), (deadLetter.Event.StreamKey, deadLetter.Event.Position, deadLetter.Attempts));
        Assert.Contains("refusing 1", deadLetter.Error, StringComparison.Ordinal);

        // Per key, the dead letter came before the key's next event.
        var fTrail = _ledger.Trail.Where(t => t.StartsWith("f:", StringComparison.Ordinal)).ToList();
        Assert.True(fTrail.IndexOf("f:dead-lettered:1") < fTrail.IndexOf("f:handled:2"), string.Join(", ", fTrail));

        await WaitForCheckpointAsync(5);
        Assert.Empty(_ledger.Violations);
    }

    [Fact]
    public async Task StopMidBatch_StopsPromptlySavesNoCheckpointAndTheNextStartRedelivers()
    {
        var storage = new MemoryGrainStorage();
        await StartAsync(configure: null, storage);
        await Producer("p").PublishAtomically([new("a", 1, "block"), new("b", 1, "ok")]);
        await _ledger.WaitUntilAsync(() => _ledger.WasHandled("b", 1), "b handled while a is blocked");

        // Stopping cancels the blocked delivery (the grain sees the token) instead of waiting for the gate.
        await Cluster.StopAsync();

        Assert.Contains("a:cancelled", _ledger.Trail);
        Assert.DoesNotContain("a:timed-out", _ledger.Trail);
        Assert.False(_ledger.WasHandled("a", 1));
        Assert.Equal(0, await storage.GetCheckpointAsync(Subscription));
        await Cluster.DisposeAsync();
        _cluster = null;

        // A new silo on the same store resumes from the last checkpoint: both events again (at least once).
        _ledger.Gate("a").TrySetResult();
        await StartAsync(configure: null, storage);
        await WaitForCheckpointAsync(2);
        Assert.True(_ledger.WasHandled("a", 1));
        Assert.Equal(2, _ledger.Handled.Count(h => h.Key == "b"));
    }

    [Fact]
    public async Task ParallelismOne_DeliversTheBatchInLogOrderAcrossKeys()
    {
        await StartAsync(o => o.StreamDeliveryParallelism = 1);
        await Producer("p").PublishAtomically(
            [new("x", 1, "ok"), new("y", 1, "ok"), new("x", 2, "ok"), new("z", 1, "ok"), new("y", 2, "ok")]);

        await WaitForCheckpointAsync(5);

        Assert.Equal([1L, 2, 3, 4, 5], _ledger.Handled.Select(h => h.Position));
    }

    [Theory]
    [InlineData(0)]
    [InlineData(-1)]
    [InlineData(257)]
    public async Task StreamDeliveryParallelism_OutOfRange_FailsHostStart(int parallelism)
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddActorRuntime(o => o.StreamDeliveryParallelism = parallelism).AddMemoryGrainStorage();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains($"StreamDeliveryParallelism must be between 1 and 256 (was {parallelism})", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(1)]
    [InlineData(256)]
    public async Task StreamDeliveryParallelism_Bounds_AreAccepted(int parallelism)
    {
        await StartAsync(o => o.StreamDeliveryParallelism = parallelism);
        await Producer("p").PublishAtomically([new("x", 1, "ok"), new("y", 1, "ok")]);

        await WaitForCheckpointAsync(2);
        Assert.Equal(2, _ledger.Handled.Count);
    }

    [Fact]
    public void StreamDeliveryParallelism_DefaultsTo16() => Assert.Equal(16, new ActorRuntimeOptions().StreamDeliveryParallelism);

    private async Task StartAsync(Action<ActorRuntimeOptions>? configure = null, MemoryGrainStorage? storage = null)
    {
        var audited = new CheckpointAuditingStorage(storage ?? new MemoryGrainStorage(), _ledger);
        _storage = audited;
        _cluster = await new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(StreamDeliveryTests).Assembly)
            .ConfigureOptions(o =>
            {
                o.StreamRetryInitialBackoff = TimeSpan.Zero;
                configure?.Invoke(o);
            })
            .ConfigureServices(s => s.AddSingleton(_ledger))
            .UseStorage(_ => audited)
            .BuildAndStartAsync();
    }

    private Task WaitForCheckpointAsync(long position) => _ledger.WaitUntilAsync(
        () => Cluster.StreamLog.GetCheckpointAsync(Subscription).AsTask().GetAwaiter().GetResult() == position,
        $"checkpoint {position}");

    private static void AssertStrictlyIncreasing(IEnumerable<long> values, string what)
    {
        var list = values.ToList();
        for (var i = 1; i < list.Count; i++)
        {
            Assert.True(list[i - 1] < list[i], $"{what} not strictly increasing at {i}: {string.Join(", ", list)}");
        }
    }
}

public sealed record OrderedEvent(int Value, string Mode);

public sealed record OrderedTarget(string StreamKey, int Value, string Mode);

public sealed record HandledEvent(string Key, int Value, string Producer, long Sequence, long Position);

/// <summary>What the ordered subscribers did, plus gates that hold a key's "block" events until a test opens them.</summary>
public sealed class DeliveryLedger
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _gates = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Key, int Value), int> _attempts = new();
    private readonly ConcurrentDictionary<long, byte> _done = new();
    private readonly ConcurrentQueue<HandledEvent> _handled = new();
    private readonly ConcurrentQueue<string> _trail = new();
    private readonly ConcurrentQueue<string> _violations = new();

    public IReadOnlyList<HandledEvent> Handled => [.. _handled];

    public IReadOnlyList<string> Trail => [.. _trail];

    public IReadOnlyList<string> Violations => [.. _violations];

    public TaskCompletionSource Gate(string key) => _gates.GetOrAdd(key, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    public void ReleaseAllGates()
    {
        foreach (var gate in _gates.Values)
        {
            gate.TrySetResult();
        }
    }

    public void Attempt(string key, int value) => _attempts.AddOrUpdate((key, value), 1, (_, n) => n + 1);

    public int Attempts(string key, int value) => _attempts.GetValueOrDefault((key, value));

    public void Note(string value) => _trail.Enqueue(value);

    public void RecordHandled(string key, int value, StreamEventRecord record)
    {
        _handled.Enqueue(new HandledEvent(key, value, $"{record.ProducerType}/{record.ProducerKey}", record.ProducerSequence, record.Position));
        _trail.Enqueue($"{key}:handled:{value}");
        _done.TryAdd(record.Position, 0);
    }

    public void RecordDeadLettered(StreamEventRecord record)
    {
        _trail.Enqueue($"{record.StreamKey}:dead-lettered:{record.Position}");
        _done.TryAdd(record.Position, 0);
    }

    public bool WasHandled(string key, int value) => _handled.Any(h => h.Key == key && h.Value == value);

    /// <summary>Called before a checkpoint is saved: every event up to it must be delivered or dead-lettered.</summary>
    public void CheckCheckpoint(long position, IEnumerable<StreamEventRecord> eventsUpToIt)
    {
        foreach (var record in eventsUpToIt)
        {
            if (!_done.ContainsKey(record.Position))
            {
                _violations.Enqueue($"checkpoint {position} saved before event {record.Position} (key {record.StreamKey}) was delivered");
            }
        }
    }

    /// <summary>Waits until the condition holds, bounded in real time (the condition, not the clock, is the signal).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}. Trail: {string.Join(", ", Trail)}");
            }

            await Task.Delay(5);
        }
    }
}

public interface IOrderedProducerGrain : IGrainWithStringKey
{
    Task Publish(string streamKey, int value, string mode);

    /// <summary>Stages all events and commits them with one state write: one append, so one pump batch sees them all.</summary>
    Task PublishAtomically(IReadOnlyList<OrderedTarget> targets);
}

public sealed class OrderedProducerGrain([PersistentState("last")] IPersistentState<CounterState> last) : Grain, IOrderedProducerGrain
{
    public Task Publish(string streamKey, int value, string mode) => PublishEventAsync("ordered", streamKey, new OrderedEvent(value, mode));

    public async Task PublishAtomically(IReadOnlyList<OrderedTarget> targets)
    {
        foreach (var target in targets)
        {
            StageEvent("ordered", target.StreamKey, new OrderedEvent(target.Value, target.Mode));
        }

        last.State = last.State with { Count = last.State.Count + targets.Count };
        await last.WriteStateAsync();
    }
}

[ImplicitStreamSubscription("ordered")]
public sealed class OrderedSubscriberGrain(DeliveryLedger ledger) : Grain, IStreamSubscriber
{
    public async Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default)
    {
        var payload = streamEvent.GetPayload<OrderedEvent>();
        ledger.Attempt(GrainKey, payload.Value);
        switch (payload.Mode)
        {
            case "fail":
                throw new InvalidOperationException($"refusing {payload.Value}");
            case "block":
                try
                {
                    // Bounded so that a broken pump fails the test instead of hanging it.
                    await ledger.Gate(GrainKey).Task.WaitAsync(TimeSpan.FromSeconds(15), cancellationToken);
                }
                catch (OperationCanceledException)
                {
                    ledger.Note($"{GrainKey}:cancelled");
                    throw;
                }
                catch (TimeoutException)
                {
                    ledger.Note($"{GrainKey}:timed-out");
                    throw;
                }

                break;
            default:
                // Yield so that concurrent deliveries to different grains really interleave.
                await Task.Yield();
                break;
        }

        ledger.RecordHandled(GrainKey, payload.Value, streamEvent.Record);
    }
}

/// <summary>The real memory provider; checks every checkpoint against what was delivered before saving it.</summary>
public sealed class CheckpointAuditingStorage(MemoryGrainStorage inner, DeliveryLedger ledger) : IGrainStorage, IStreamLog
{
    private readonly List<long> _saved = [];

    public string Name => inner.Name;

    public IReadOnlyList<long> SavedCheckpoints
    {
        get
        {
            lock (_saved)
            {
                return [.. _saved];
            }
        }
    }

    public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => inner.InitializeAsync(cancellationToken);

    public ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default) => inner.ReadAsync(key, cancellationToken);

    public ValueTask<string> WriteAsync(GrainStateKey key, string json, int schemaVersion, string? expectedETag, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default)
        => inner.WriteAsync(key, json, schemaVersion, expectedETag, events, cancellationToken);

    public ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default) => inner.ClearAsync(key, expectedETag, cancellationToken);

    public ValueTask<IReadOnlyList<long>> AppendAsync(string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default)
        => inner.AppendAsync(producerType, producerKey, events, cancellationToken);

    public ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(string streamNamespace, long afterPosition, int maxCount, CancellationToken cancellationToken = default)
        => inner.ReadAsync(streamNamespace, afterPosition, maxCount, cancellationToken);

    public ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default) => inner.GetCheckpointAsync(subscription, cancellationToken);

    public async ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default)
    {
        var streamNamespace = subscription[(subscription.IndexOf('/', StringComparison.Ordinal) + 1)..];
        var events = await inner.ReadAsync(streamNamespace, 0, 100_000, cancellationToken);
        ledger.CheckCheckpoint(position, events.Where(e => e.Position <= position));
        lock (_saved)
        {
            _saved.Add(position);
        }

        await inner.SaveCheckpointAsync(subscription, position, cancellationToken);
    }

    public async ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(deadLetter);
        await inner.DeadLetterAsync(deadLetter, cancellationToken);
        ledger.RecordDeadLettered(deadLetter.Event);
    }

    public ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default) => inner.ReadDeadLettersAsync(subscription, cancellationToken);

    public ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => inner.GetHeadPositionAsync(cancellationToken);
}
