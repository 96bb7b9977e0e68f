using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors;

/// <summary>
/// One activation: a grain instance, its mailbox and its scheduler. All turns run on an exclusive TaskScheduler, so
/// grain code that awaits without ConfigureAwait(false) resumes on it and never runs on two threads at once. The
/// mailbox decides which requests may start: one non-interleaving request at a time unless the class is reentrant.
/// </summary>
internal sealed class GrainActivation
{
    private readonly Lock _lock = new();
    private readonly Queue<WorkItem> _queue = new();
    private readonly List<GrainTimer> _timers = [];
    private readonly List<StreamEventDraft> _staged = [];
    private readonly TaskCompletionSource _completion = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ActivationState _state = ActivationState.Activating;
    private DeactivationReason? _deactivation;
    private int _running;
    private int _runningExclusive;
    private object? _grain;

    public GrainActivation(ActorSilo silo, GrainId grainId, GrainClassInfo grainClass)
    {
        Silo = silo;
        GrainId = grainId;
        GrainClass = grainClass;
        Scheduler = new ConcurrentExclusiveSchedulerPair(TaskScheduler.Default, 1).ExclusiveScheduler;
        LastActivity = silo.TimeProvider.GetUtcNow();
    }

    private enum ActivationState
    {
        Activating,
        Valid,
        Deactivating,
        Deactivated,
    }

    public ActorSilo Silo { get; }

    public GrainId GrainId { get; }

    public GrainClassInfo GrainClass { get; }

    public TaskScheduler Scheduler { get; }

    public DateTimeOffset LastActivity { get; private set; }

    /// <summary>Completes when the activation has left the activation table.</summary>
    public Task Completion => _completion.Task;

    public List<IStateBinding> States { get; } = [];

    public object Grain => _grain ?? throw new InvalidOperationException($"Grain {GrainId} is not activated.");

    public void Start() => RunOnScheduler(ActivateAsync);

    /// <summary>Queues or starts a work item; false when the activation is ending (the caller retries on a new one).</summary>
    public bool TryEnqueue(WorkItem item)
    {
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated || _deactivation is not null)
            {
                return false;
            }

            if (_state == ActivationState.Valid && CanStart(item) && (_queue.Count == 0 || IsInterleaving(item)))
            {
                StartLocked(item);
            }
            else
            {
                _queue.Enqueue(item);
            }

            return true;
        }
    }

    public void RequestDeactivation(DeactivationReason reason)
    {
        List<WorkItem>? redirected;
        lock (_lock)
        {
            if (_deactivation is not null || _state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                return;
            }

            _deactivation = reason;
            if (_state != ActivationState.Valid || !TryBeginDeactivationLocked(out redirected))
            {
                return;
            }
        }

        BeginDeactivation(redirected);
    }

    public bool IsIdleLongerThan(DateTimeOffset now, TimeSpan age)
    {
        lock (_lock)
        {
            return _state == ActivationState.Valid && _deactivation is null && _running == 0 && _queue.Count == 0 && now - LastActivity >= age;
        }
    }

    public IGrainTimer RegisterTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        var timer = new GrainTimer(this, callback, options);
        lock (_lock)
        {
            if (_state is ActivationState.Deactivating or ActivationState.Deactivated)
            {
                throw new InvalidOperationException($"Grain {GrainId} is deactivating; it cannot register timers.");
            }

            _timers.Add(timer);
        }

        timer.Start();
        return timer;
    }

    public void RemoveTimer(GrainTimer timer)
    {
        lock (_lock)
        {
            _timers.Remove(timer);
        }
    }

    public void Stage(StreamEventDraft draft)
    {
        lock (_lock)
        {
            _staged.Add(draft);
        }
    }

    public IReadOnlyList<StreamEventDraft> SnapshotStaged()
    {
        lock (_lock)
        {
            return [.. _staged];
        }
    }

    public void RemoveCommitted(int count)
    {
        lock (_lock)
        {
            _staged.RemoveRange(0, Math.Min(count, _staged.Count));
        }
    }

    private static bool IsInterleaving(WorkItem item) => item.Interleave;

    private bool CanStart(WorkItem item) => GrainClass.IsReentrant || item.Interleave || _runningExclusive == 0;

    private void StartLocked(WorkItem item)
    {
        var exclusive = !(GrainClass.IsReentrant || item.Interleave);
        _running++;
        if (exclusive)
        {
            _runningExclusive++;
        }

        if (item.IsActivity)
        {
            LastActivity = Silo.TimeProvider.GetUtcNow();
        }

        RunOnScheduler(() => RunAsync(item, exclusive));
    }

    private void PumpLocked()
    {
        while (_queue.Count > 0 && CanStart(_queue.Peek()))
        {
            StartLocked(_queue.Dequeue());
        }
    }

    private void RunOnScheduler(Func<Task> action)
        => _ = Task.Factory.StartNew(action, CancellationToken.None, TaskCreationOptions.DenyChildAttach, Scheduler).Unwrap();

    private async Task RunAsync(WorkItem item, bool exclusive)
    {
        try
        {
            await item.ExecuteAsync(this).ConfigureAwait(true);
        }
        finally
        {
            OnCompleted(item, exclusive);
        }
    }

    private void OnCompleted(WorkItem item, bool exclusive)
    {
        List<WorkItem>? redirected;
        lock (_lock)
        {
            _running--;
            if (exclusive)
            {
                _runningExclusive--;
            }

            if (item.IsActivity)
            {
                LastActivity = Silo.TimeProvider.GetUtcNow();
            }

            if (_deactivation is null || (_deactivation.Code == DeactivationReasonCode.ShuttingDown && _queue.Count > 0))
            {
                PumpLocked();
            }

            if (_deactivation is null || !TryBeginDeactivationLocked(out redirected))
            {
                return;
            }
        }

        BeginDeactivation(redirected);
    }

    /// <summary>
    /// Starts deactivating when no turn runs. A silo shutdown drains the queue first (in-flight work finishes); any other
    /// reason hands queued work to a new activation.
    /// </summary>
    private bool TryBeginDeactivationLocked(out List<WorkItem> redirected)
    {
        redirected = [];
        if (_running > 0 || (_deactivation!.Code == DeactivationReasonCode.ShuttingDown && _queue.Count > 0))
        {
            return false;
        }

        _state = ActivationState.Deactivating;
        redirected.AddRange(_queue);
        _queue.Clear();
        return true;
    }

    private void BeginDeactivation(List<WorkItem> redirected)
    {
        foreach (var item in redirected)
        {
            Silo.Redispatch(this, item);
        }

        RunOnScheduler(DeactivateAsync);
    }

    private async Task ActivateAsync()
    {
        try
        {
            _grain = Silo.CreateGrainInstance(this);
            foreach (var state in States)
            {
                await state.ReadStateAsync(CancellationToken.None).ConfigureAwait(true);
            }

            if (_grain is Grain grain)
            {
                await grain.OnActivateAsync(CancellationToken.None).ConfigureAwait(true);
            }
        }
        catch (Exception exception)
        {
            Silo.Logger.ActivationFailed(GrainId, exception);
            List<WorkItem> rejected;
            lock (_lock)
            {
                _state = ActivationState.Deactivated;
                rejected = [.. _queue];
                _queue.Clear();
            }

            Silo.OnDeactivated(this);
            foreach (var item in rejected)
            {
                item.Reject(exception);
            }

            _completion.TrySetResult();
            return;
        }

        Silo.Logger.Activated(GrainId);
        List<WorkItem>? redirected;
        lock (_lock)
        {
            _state = ActivationState.Valid;
            LastActivity = Silo.TimeProvider.GetUtcNow();
            if (_deactivation is null || _deactivation.Code == DeactivationReasonCode.ShuttingDown)
            {
                PumpLocked();
            }

            if (_deactivation is null || !TryBeginDeactivationLocked(out redirected))
            {
                return;
            }
        }

        BeginDeactivation(redirected);
    }

    private async Task DeactivateAsync()
    {
        GrainTimer[] timers;
        lock (_lock)
        {
            timers = [.. _timers];
            _timers.Clear();
        }

        foreach (var timer in timers)
        {
            timer.Dispose();
        }

        var reason = _deactivation!;
        try
        {
            if (_grain is Grain grain)
            {
                await grain.OnDeactivateAsync(reason, CancellationToken.None).ConfigureAwait(true);
            }
        }
        catch (Exception exception)
        {
            Silo.Logger.DeactivationFailed(GrainId, exception);
        }

        lock (_lock)
        {
            _state = ActivationState.Deactivated;
        }

        Silo.Logger.Deactivated(GrainId, reason.Description);
        Silo.OnDeactivated(this);
        _completion.TrySetResult();
    }
}

/// <summary>Something an activation runs as a turn: a request, a timer tick.</summary>
internal abstract class WorkItem
{
    /// <summary>May run while a non-interleaving request is in progress.</summary>
    public abstract bool Interleave { get; }

    /// <summary>Counts as activity for idle collection.</summary>
    public abstract bool IsActivity { get; }

    /// <summary>Runs the turn; never throws (failures go to the item's own completion).</summary>
    public abstract Task ExecuteAsync(GrainActivation activation);

    /// <summary>The item will never run (activation failed or silo stopped).</summary>
    public abstract void Reject(Exception exception);
}
