namespace StriveNetwork.Grains.Batching;

/// <summary>
/// Events delivered to a grain while it writes, stored together by one later write instead of one write each
/// (docs/adr/0015, addendum). The receiving grain method interleaves (<c>[AlwaysInterleave]</c>): it only adds its event
/// here and returns <see cref="Add"/>'s task, which completes when the write holding the event is stored and fails
/// when that write fails, so the producer's outbox acknowledges an event only once it is durable (ADR 0009). The
/// write itself runs in an ordinary, non-interleaved request that the grain sends to itself (the
/// <c>requestWrite</c> callback), so it never runs inside another write: the grain stays a single writer.
/// </summary>
/// <remarks>Grain-scheduler only (not thread-safe): every member is called from the owning activation's turns.</remarks>
internal sealed class WaitingBatch<T>
{
    private readonly WaitingBatch<T, bool> _batch = new();

    /// <summary>Adds <paramref name="item"/> to the waiting batch; the first item of a batch asks for its write.</summary>
    /// <param name="item">The event.</param>
    /// <param name="requestWrite">Calls the grain's own write method through its mailbox (a grain call to itself).</param>
    /// <param name="notWritten">The error for callers whose batch this activation never wrote (the call went to another activation).</param>
    public Task Add(T item, Func<Task> requestWrite, Func<Exception> notWritten) => _batch.Add(item, requestWrite, notWritten);

    /// <summary>
    /// Takes the waiting items and stores them with <paramref name="write"/>; completes their callers with the outcome.
    /// Items arriving meanwhile form the next batch. When the write fails (the activation is then dropped), the next
    /// batch fails too: this activation will not write it, and its waiting calls would keep it from deactivating.
    /// </summary>
    public Task WriteAsync(Func<IReadOnlyList<T>, Task> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        return _batch.WriteAsync(async items =>
        {
            await write(items);
            return new bool[items.Count];
        });
    }
}

/// <summary>
/// A <see cref="WaitingBatch{T}"/> whose callers each get a result of their own: the write returns one result per
/// item, in the order the items were added.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
/// <typeparam name="TResult">What each caller is answered.</typeparam>
/// <remarks>Grain-scheduler only (not thread-safe): every member is called from the owning activation's turns.</remarks>
internal sealed class WaitingBatch<T, TResult>
{
    private List<T>? _items;
    private TaskCompletionSource<IReadOnlyList<TResult>>? _done;

    /// <summary>Adds <paramref name="item"/> to the waiting batch; the first item of a batch asks for its write.</summary>
    /// <param name="item">The event.</param>
    /// <param name="requestWrite">Calls the grain's own write method through its mailbox (a grain call to itself).</param>
    /// <param name="notWritten">The error for callers whose batch this activation never wrote (the call went to another activation).</param>
    /// <returns>This item's result, once the write holding it is stored.</returns>
    public Task<TResult> Add(T item, Func<Task> requestWrite, Func<Exception> notWritten)
    {
        ArgumentNullException.ThrowIfNull(requestWrite);
        ArgumentNullException.ThrowIfNull(notWritten);
        var items = _items ??= [];
        var index = items.Count;
        items.Add(item);
        if (_done is not { } done)
        {
            done = _done = new TaskCompletionSource<IReadOnlyList<TResult>>(TaskCreationOptions.RunContinuationsAsynchronously);
            _ = RequestWriteAsync(done, requestWrite, notWritten);
        }

        return ResultAt(done.Task, index);
    }

    /// <summary>
    /// Takes the waiting items and stores them with <paramref name="write"/>, which returns one result per item; completes
    /// their callers with the outcome. Items arriving meanwhile form the next batch. When the write fails (the activation
    /// is then dropped), the next batch fails too: this activation will not write it, and its waiting calls would keep
    /// it from deactivating.
    /// </summary>
    public async Task WriteAsync(Func<IReadOnlyList<T>, Task<IReadOnlyList<TResult>>> write)
    {
        ArgumentNullException.ThrowIfNull(write);
        if (_done is not { } done)
        {
            return; // written already (a second request for the same batch) or never formed
        }

        var items = _items!;
        (_items, _done) = (null, null);
        try
        {
            var results = await write(items);
            if (results.Count != items.Count)
            {
                throw new InvalidOperationException($"The batch write returned {results.Count} results for {items.Count} items.");
            }

            done.TrySetResult(results);
        }
        catch (Exception e)
        {
            done.TrySetException(e);
            if (_done is { } next)
            {
                Fail(next, e);
            }
        }
    }

    private static async Task<TResult> ResultAt(Task<IReadOnlyList<TResult>> results, int index) => (await results)[index];

    private async Task RequestWriteAsync(TaskCompletionSource<IReadOnlyList<TResult>> done, Func<Task> requestWrite, Func<Exception> notWritten)
    {
        try
        {
            await requestWrite();
        }
        catch (Exception e)
        {
            Fail(done, e);
        }

        // Completed by WriteAsync unless the call reached another activation (this one was being dropped).
        Fail(done, notWritten());
    }

    private void Fail(TaskCompletionSource<IReadOnlyList<TResult>> done, Exception error)
    {
        if (ReferenceEquals(_done, done))
        {
            (_items, _done) = (null, null);
        }

        done.TrySetException(error);
    }
}
