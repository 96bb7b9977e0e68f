namespace StriveNetwork.Actors;

/// <summary>Marker for grain interfaces.</summary>
public interface IGrain;

/// <summary>A grain interface whose grains are keyed by a string.</summary>
public interface IGrainWithStringKey : IGrain;

/// <summary>Creates typed references to grains (Orleans' IGrainFactory). References are cheap and never activate anything.</summary>
public interface IGrainFactory
{
    /// <summary>Returns a reference to the grain implementing <typeparamref name="TGrainInterface"/> with the given key.</summary>
    TGrainInterface GetGrain<TGrainInterface>(string key)
        where TGrainInterface : IGrainWithStringKey;
}

/// <summary>A grain that receives durable reminder ticks.</summary>
public interface IRemindable : IGrain
{
    /// <summary>Called on each reminder tick; activates the grain when needed.</summary>
    Task ReceiveReminder(string reminderName, TickStatus status);
}

/// <summary>Timing of one reminder tick.</summary>
public sealed record TickStatus(DateTimeOffset FirstTickTime, TimeSpan Period, DateTimeOffset CurrentTickTime);

/// <summary>A registered durable reminder.</summary>
public sealed record GrainReminder(GrainId GrainId, string Name, DateTimeOffset FirstTickTime, TimeSpan Period);

/// <summary>A grain timer; dispose to stop it.</summary>
public interface IGrainTimer : IDisposable;

/// <summary>Grain timer settings (Orleans' GrainTimerCreationOptions).</summary>
/// <param name="DueTime">Delay before the first tick.</param>
/// <param name="Period">Delay after a callback completes before the next tick; <see cref="Timeout.InfiniteTimeSpan"/> for one tick.</param>
public sealed record GrainTimerOptions(TimeSpan DueTime, TimeSpan Period)
{
    /// <summary>Whether a tick may interleave with requests (default false: a tick is a turn like any other).</summary>
    public bool Interleave { get; init; }

    /// <summary>Whether a tick counts as activity for idle collection (default false).</summary>
    public bool KeepAlive { get; init; }
}

/// <summary>Migrates stored state JSON from an older schema version (see <see cref="StateSchemaAttribute"/>); register in DI.</summary>
/// <typeparam name="T">The state type.</typeparam>
public interface IStateMigration<T>
{
    /// <summary>Returns the JSON of the current schema version.</summary>
    System.Text.Json.Nodes.JsonNode Migrate(int fromVersion, System.Text.Json.Nodes.JsonNode state);
}

/// <summary>Durable state of a grain (Orleans' IPersistentState), stored through an IGrainStorage provider.</summary>
/// <typeparam name="T">A JSON-serializable state type.</typeparam>
public interface IPersistentState<T>
{
    /// <summary>The state; never null.</summary>
    T State { get; set; }

    /// <summary>Whether a record exists in storage (false after a clear).</summary>
    bool RecordExists { get; }

    /// <summary>The storage version this activation last saw; null when never written.</summary>
    string? Etag { get; }

    /// <summary>Reloads the state from storage.</summary>
    Task ReadStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Writes the state, committing the events staged by the grain in the same storage transaction.</summary>
    Task WriteStateAsync(CancellationToken cancellationToken = default);

    /// <summary>Clears the state (the record becomes a tombstone; <see cref="RecordExists"/> is false).</summary>
    Task ClearStateAsync(CancellationToken cancellationToken = default);
}

/// <summary>Context of an incoming grain call seen by filters.</summary>
public interface IIncomingGrainCallContext
{
    /// <summary>The target grain.</summary>
    GrainId GrainId { get; }

    /// <summary>The target grain instance.</summary>
    object Grain { get; }

    /// <summary>The grain interface called.</summary>
    Type InterfaceType { get; }

    /// <summary>The method name.</summary>
    string MethodName { get; }

    /// <summary>The call arguments (without the cancellation token).</summary>
    IReadOnlyList<object?> Arguments { get; }

    /// <summary>The result, available after <see cref="Invoke"/>; filters may replace it.</summary>
    object? Result { get; set; }

    /// <summary>Invokes the next filter or the grain method.</summary>
    Task Invoke();
}

/// <summary>A filter around every incoming grain call (Orleans' IIncomingGrainCallFilter); register in DI.</summary>
public interface IIncomingGrainCallFilter
{
    /// <summary>Runs around the call; must await <see cref="IIncomingGrainCallContext.Invoke"/> to proceed.</summary>
    Task Invoke(IIncomingGrainCallContext context);
}
