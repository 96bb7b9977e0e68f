
namespace StriveNetwork.Grains;

/// <summary>How the grains replace their state: all of it or nothing, in memory as in storage.</summary>
internal static class StateWrites
{
    /// <summary>
    /// Makes <paramref name="next"/> the state and writes it (with any events staged before). When the write fails
    /// the previous state is restored and the activation dropped, so the next call re-reads storage rather than
    /// trusting memory that storage never saw; the staged events are dropped with it. Awaited on the grain's
    /// scheduler (no ConfigureAwait): it runs inside grain methods.
    /// </summary>
    public static async Task ReplaceAsync<T>(IPersistentState<T> state, T next, Action dropActivation, CancellationToken cancellationToken)
    {
        var previous = state.State;
        state.State = next;
        try
        {
            await state.WriteStateAsync(cancellationToken);
        }
        catch
        {
            state.State = previous;
            dropActivation();
            throw;
        }
    }
}
