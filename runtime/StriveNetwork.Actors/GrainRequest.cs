using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors;

/// <summary>A grain call as a work item: runs the filter pipeline and the generated invoker inside a turn.</summary>
internal sealed class GrainRequest(GrainInvocation invocation, CancellationToken cancellationToken) : WorkItem
{
    public TaskCompletionSource<object?> Response { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public GrainInvocation Invocation { get; } = invocation;

    public override bool Interleave => Invocation.AlwaysInterleave;

    public override bool IsActivity => true;

    public override async Task ExecuteAsync(GrainActivation activation)
    {
        try
        {
            var context = new IncomingCallContext(activation, Invocation, cancellationToken);
            await context.Invoke().ConfigureAwait(true);
            Response.TrySetResult(context.Result);
        }
        catch (Exception exception)
        {
            if (exception is InconsistentStateException)
            {
                activation.Silo.Logger.InconsistentState(activation.GrainId, exception);
                activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationError, "inconsistent state"));
            }

            Response.TrySetException(exception);
        }
    }

    public override void Reject(Exception exception) => Response.TrySetException(exception);
}

/// <summary>Filter chain: silo-wide filters in registration order, then the grain's own filter, then the method.</summary>
internal sealed class IncomingCallContext(GrainActivation activation, GrainInvocation invocation, CancellationToken cancellationToken) : IIncomingGrainCallContext
{
    private int _next;

    public GrainId GrainId => activation.GrainId;

    public object Grain => activation.Grain;

    public Type InterfaceType => invocation.InterfaceType;

    public string MethodName => invocation.MethodName;

    public IReadOnlyList<object?> Arguments => invocation.GetArguments();

    public object? Result { get; set; }

    public async Task Invoke()
    {
        var filters = activation.Silo.CallFilters;
        var index = _next++;
        if (index < filters.Count)
        {
            await filters[index].Invoke(this).ConfigureAwait(true);
            return;
        }

        if (index == filters.Count && Grain is IIncomingGrainCallFilter own)
        {
            await own.Invoke(this).ConfigureAwait(true);
            return;
        }

        var invoker = GrainRegistry.GetInterface(invocation.InterfaceType).Invoker;
        Result = await invoker.InvokeAsync(Grain, invocation, cancellationToken).ConfigureAwait(true);
    }
}

/// <summary>A grain timer: the next tick is armed only after the callback's turn completes, so ticks never overlap.</summary>
internal sealed class GrainTimer(GrainActivation activation, Func<CancellationToken, Task> callback, GrainTimerOptions options) : IGrainTimer
{
    private readonly GrainTimerOptions _options = options;
    private readonly CancellationTokenSource _disposed = new();
    private ITimer? _timer;

    public void Start()
    {
        _timer = activation.Silo.TimeProvider.CreateTimer(static state => ((GrainTimer)state!).OnDue(), this, _options.DueTime, Timeout.InfiniteTimeSpan);
    }

    public void Dispose()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        _disposed.Cancel();
        _timer?.Dispose();
        activation.RemoveTimer(this);
    }

    private void OnDue()
    {
        if (_disposed.IsCancellationRequested)
        {
            return;
        }

        if (!activation.TryEnqueue(new Tick(this)))
        {
            Dispose();
        }
    }

    private async Task RunTickAsync()
    {
        try
        {
            await callback(_disposed.Token).ConfigureAwait(true);
        }
        catch (Exception exception)
        {
            // A failing tick is logged and the schedule continues (Orleans semantics); a tick cancelled by Dispose is silent.
            if (!_disposed.IsCancellationRequested)
            {
                activation.Silo.Logger.TimerFailed(activation.GrainId, exception);
            }
        }

        if (!_disposed.IsCancellationRequested && _options.Period != Timeout.InfiniteTimeSpan)
        {
            _timer?.Change(_options.Period, Timeout.InfiniteTimeSpan);
        }
    }

    private sealed class Tick(GrainTimer timer) : WorkItem
    {
        public override bool Interleave => timer._options.Interleave;

        public override bool IsActivity => timer._options.KeepAlive;

        public override Task ExecuteAsync(GrainActivation activation) => timer.RunTickAsync();

        public override void Reject(Exception exception) => timer.Dispose();
    }
}
