namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// A grain call filter that, once armed for a method, lets the next call of it run (and commit) and then holds its
/// reply until released, as a slow network or a paused silo would: the caller's deadline passes while the write is
/// already stored. The held grain serves nothing else meanwhile (its turn is not over).
/// </summary>
public sealed class ReplyHold : IIncomingGrainCallFilter
{
    private readonly Lock _gate = new();
    private Armed? _armed;

    /// <summary>Holds the reply of the next call of <paramref name="method"/> (e.g. "RecordAssessmentAsync").</summary>
    public Armed Arm(string method)
    {
        lock (_gate)
        {
            return _armed = new Armed(method);
        }
    }

    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        await context.Invoke();
        Armed? held;
        lock (_gate)
        {
            held = _armed is { } armed && string.Equals(armed.Method, context.MethodName, StringComparison.Ordinal) ? armed : null;
            if (held is not null)
            {
                _armed = null;
            }
        }

        if (held is not null)
        {
            held.Ran.TrySetResult();
            await held.Released.Task;
        }
    }

    /// <summary>One armed hold: <see cref="Ran"/> completes when the call has run; <see cref="Release"/> lets its reply go.</summary>
    public sealed class Armed(string method)
    {
        public string Method { get; } = method;

        public TaskCompletionSource Ran { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Released { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public void Release() => Released.TrySetResult();
    }
}
