using System.Collections.Concurrent;
using StriveNetwork.Actors.Streams;

namespace StriveNetwork.Actors.Tests;

/// <summary>Records what grains did, so tests can wait for it (bounded) and assert on it.</summary>
public sealed class TestProbe
{
    private readonly ConcurrentQueue<string> _events = new();
    private int _inFlight;
    private int _maxInFlight;

    public TaskCompletionSource Gate { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<string> Events => [.. _events];

    public int MaxInFlight => Volatile.Read(ref _maxInFlight);

    public int FailuresBeforeSuccess { get; set; }

    public void Record(string value) => _events.Enqueue(value);

    public int Count(string value) => _events.Count(e => e == value);

    public void Enter()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int max;
        while (now > (max = Volatile.Read(ref _maxInFlight)) && Interlocked.CompareExchange(ref _maxInFlight, now, max) != max)
        {
        }
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);

    /// <summary>Waits until the condition holds, bounded by a real-time limit (the condition, not the clock, is the signal).</summary>
    public async Task WaitUntilAsync(Func<bool> condition, string what, int seconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(seconds);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for: {what}. Events: {string.Join(", ", Events)}");
            }

            await Task.Delay(5);
        }
    }

    public Task WaitForAsync(string value, int count = 1) => WaitUntilAsync(() => Count(value) >= count, $"{count} x {value}");
}

public sealed record CounterState(int Count, List<int> History);

[StateSchema(2)]
public sealed record ProfileState(string Name, int Version);

public sealed record CounterChanged(string Key, int Count);

public sealed record ScoreEvent(int Value, string Mode);

public sealed class Cyclic
{
    public Cyclic? Next { get; set; }
}

public interface ICounterGrain : IGrainWithStringKey
{
    Task<int> Increment(int by, CancellationToken cancellationToken = default);

    ValueTask<int> Get();

    Task<string?> GetEtag();

    Task<bool> RecordExists();

    Task Clear();

    Task IncrementWithEvent(int by);

    Task IncrementInMemory(int by);

    Task SaveOnDeactivateAndWait();

    Task Deactivate();
}

[GrainType("counter")]
public sealed class CounterGrain(
    [PersistentState("counter")] IPersistentState<CounterState> state,
    TestProbe probe) : Grain, ICounterGrain
{
    private bool _saveOnDeactivate;

    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record($"activate:{GrainKey}");
        return Task.CompletedTask;
    }

    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        probe.Record($"deactivate:{GrainKey}:{reason.Code}");
        if (_saveOnDeactivate)
        {
            await state.WriteStateAsync(cancellationToken);
            probe.Record($"saved:{GrainKey}");
        }
    }

    public async Task<int> Increment(int by, CancellationToken cancellationToken = default)
    {
        state.State = state.State with { Count = state.State.Count + by };
        await state.WriteStateAsync(cancellationToken);
        return state.State.Count;
    }

    public ValueTask<int> Get() => ValueTask.FromResult(state.State.Count);

    public Task<string?> GetEtag() => Task.FromResult(state.Etag);

    public Task<bool> RecordExists() => Task.FromResult(state.RecordExists);

    public Task Clear() => state.ClearStateAsync();

    public async Task IncrementWithEvent(int by)
    {
        state.State = state.State with { Count = state.State.Count + by };
        StageEvent("counter-events", GrainKey, new CounterChanged(GrainKey, state.State.Count));
        await state.WriteStateAsync();
    }

    public Task IncrementInMemory(int by)
    {
        _saveOnDeactivate = true;
        state.State = state.State with { Count = state.State.Count + by };
        return Task.CompletedTask;
    }

    public async Task SaveOnDeactivateAndWait()
    {
        _saveOnDeactivate = true;
        probe.Record("waiting");
        await probe.Gate.Task;
        state.State = state.State with { Count = state.State.Count + 100 };
        probe.Record("released");
    }

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }
}

public interface IProbeGrain : IGrainWithStringKey
{
    Task<int> Work(int steps);

    Task WaitForGate();

    Task<string> Ping();

    [AlwaysInterleave]
    Task<string> Peek();

    [OneWay]
    Task Fire(string value);

    Task<Cyclic> Accept(Cyclic value);

    Task ThrowTimeout();
}

public sealed class ProbeGrain(TestProbe probe) : Grain, IProbeGrain
{
    private int _threadOwner;

    public async Task<int> Work(int steps)
    {
        probe.Enter();
        try
        {
            for (var i = 0; i < steps; i++)
            {
                AssertSingleThreaded();
                await Task.Yield();
                await Task.Delay(1);
            }

            return steps;
        }
        finally
        {
            probe.Exit();
        }
    }

    public async Task WaitForGate()
    {
        probe.Record("wait-start");
        await probe.Gate.Task;
        probe.Record("wait-end");
    }

    public Task<string> Ping()
    {
        probe.Record("ping");
        return Task.FromResult("pong");
    }

    public Task<string> Peek()
    {
        probe.Record("peek");
        return Task.FromResult("peeked");
    }

    public Task Fire(string value)
    {
        probe.Record($"fire:{value}");
        return Task.CompletedTask;
    }

    public Task<Cyclic> Accept(Cyclic value)
    {
        probe.Record("accepted");
        return Task.FromResult(value);
    }

    public Task ThrowTimeout() => throw new TimeoutException("the grain's own timeout");

    private void AssertSingleThreaded()
    {
        // Two threads inside the same grain at once would trip this.
        var thread = Environment.CurrentManagedThreadId;
        if (Interlocked.CompareExchange(ref _threadOwner, thread, 0) != 0)
        {
            probe.Record("overlap");
        }

        Volatile.Write(ref _threadOwner, 0);
    }
}

public interface IReentrantProbeGrain : IGrainWithStringKey
{
    Task WaitForGate();

    Task<string> Ping();
}

[Reentrant]
public sealed class ReentrantProbeGrain(TestProbe probe) : Grain, IReentrantProbeGrain
{
    public async Task WaitForGate()
    {
        probe.Record("wait-start");
        await probe.Gate.Task;
        probe.Record("wait-end");
    }

    public Task<string> Ping()
    {
        probe.Record("ping");
        return Task.FromResult("pong");
    }
}

public interface ICycleGrain : IGrainWithStringKey
{
    Task<string> CallOther(string otherKey);

    Task<string> CallBack(string callerKey);

    Task<string> Echo();
}

public sealed class CycleGrain(TestProbe probe) : Grain, ICycleGrain
{
    public Task<string> CallOther(string otherKey) => GrainFactory.GetGrain<ICycleGrain>(otherKey).CallBack(GrainKey);

    public async Task<string> CallBack(string callerKey)
    {
        probe.Record("callback-entered");
        return await GrainFactory.GetGrain<ICycleGrain>(callerKey).Echo();
    }

    public Task<string> Echo() => Task.FromResult(GrainKey);
}

public interface ITimerGrain : IGrainWithStringKey
{
    Task Start(bool blockFirstTick);

    Task Stop();
}

public sealed class TimerGrain(TestProbe probe) : Grain, ITimerGrain
{
    private IGrainTimer? _timer;
    private int _ticks;

    public Task Start(bool blockFirstTick)
    {
        _timer = RegisterGrainTimer(
            async _ =>
            {
                probe.Enter();
                var tick = ++_ticks;
                probe.Record("tick");
                if (blockFirstTick && tick == 1)
                {
                    await probe.Gate.Task;
                }

                probe.Exit();
            },
            TimeSpan.FromMinutes(1),
            TimeSpan.FromMinutes(1));
        return Task.CompletedTask;
    }

    public Task Stop()
    {
        _timer?.Dispose();
        return Task.CompletedTask;
    }
}

public interface IReminderGrain : IGrainWithStringKey
{
    Task Register(TimeSpan period);

    Task Unregister();

    Task Deactivate();
}

public sealed class ReminderGrain(TestProbe probe) : Grain, IReminderGrain, IRemindable
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("reminder-activate");
        return Task.CompletedTask;
    }

    public Task Register(TimeSpan period) => RegisterOrUpdateReminder("daily", period, period);

    public Task Unregister() => UnregisterReminder("daily");

    public Task Deactivate()
    {
        DeactivateOnIdle();
        return Task.CompletedTask;
    }

    public Task ReceiveReminder(string reminderName, TickStatus status)
    {
        probe.Record($"reminder:{reminderName}");
        return Task.CompletedTask;
    }
}

public interface IScoreProducerGrain : IGrainWithStringKey
{
    Task Publish(string streamKey, int value, string mode);

    Task PublishWithState(string streamKey, int value);
}

public sealed class ScoreProducerGrain([PersistentState("last")] IPersistentState<CounterState> last) : Grain, IScoreProducerGrain
{
    public Task Publish(string streamKey, int value, string mode) => PublishEventAsync("scores", streamKey, new ScoreEvent(value, mode));

    public async Task PublishWithState(string streamKey, int value)
    {
        last.State = last.State with { Count = value };
        StageEvent("scores", streamKey, new ScoreEvent(value, "ok"));
        await last.WriteStateAsync();
    }
}

[ImplicitStreamSubscription("scores")]
public sealed class ScoreSubscriberGrain(TestProbe probe) : Grain, IStreamSubscriber
{
    private readonly Dictionary<int, int> _attempts = [];

    public Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default)
    {
        var payload = streamEvent.GetPayload<ScoreEvent>();
        _attempts[payload.Value] = _attempts.GetValueOrDefault(payload.Value) + 1;
        probe.Record($"attempt:{GrainKey}:{payload.Value}");
        if (payload.Mode == "always-fail" || (payload.Mode == "fail-twice" && _attempts[payload.Value] <= 2))
        {
            throw new InvalidOperationException($"refusing {payload.Value}");
        }

        probe.Record($"got:{GrainKey}:{payload.Value}:seq{streamEvent.Record.ProducerSequence}:{streamEvent.Producer}");
        return Task.CompletedTask;
    }
}

/// <summary>Records every call it sees.</summary>
public sealed class RecordingFilter(TestProbe probe) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        probe.Record($"before:{context.GrainId}:{context.InterfaceType.Name}.{context.MethodName}({string.Join(",", context.Arguments)})");
        await context.Invoke();
        probe.Record($"after:{context.MethodName}={context.Result}");
    }
}
