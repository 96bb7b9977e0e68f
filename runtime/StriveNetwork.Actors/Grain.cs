using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Streams;

namespace StriveNetwork.Actors;

/// <summary>Why an activation ends.</summary>
public enum DeactivationReasonCode
{
    /// <summary>The grain called <see cref="Grain.DeactivateOnIdle"/>.</summary>
    ApplicationRequested,

    /// <summary>Idle longer than the collection age.</summary>
    ActivationIdle,

    /// <summary>The silo is shutting down.</summary>
    ShuttingDown,

    /// <summary>A grain method raised an error that invalidates the activation (e.g. an inconsistent state).</summary>
    ApplicationError,
}

/// <summary>Why an activation ends, with a description.</summary>
public sealed record DeactivationReason(DeactivationReasonCode Code, string Description);

/// <summary>
/// Base class of grains (Orleans' Grain). The runtime creates instances through DI; code in a grain runs one turn at a
/// time on the activation's scheduler, so grain code must not use ConfigureAwait(false).
/// </summary>
public abstract class Grain
{
    [ThreadStatic]
    private static GrainActivation? _constructing;

    private readonly GrainActivation _activation;

    /// <summary>Binds the instance to the activation the runtime is creating.</summary>
    protected Grain()
    {
        _activation = _constructing ?? throw new InvalidOperationException("Grains are created by the runtime; obtain a reference with IGrainFactory.GetGrain.");
    }

    internal static GrainActivation? Constructing
    {
        get => _constructing;
        set => _constructing = value;
    }

    /// <summary>This grain's identity.</summary>
    public GrainId GrainId => _activation.GrainId;

    /// <summary>The key of this grain.</summary>
    public string GrainKey => _activation.GrainId.Key;

    /// <summary>Creates references to other grains.</summary>
    protected IGrainFactory GrainFactory => _activation.Silo.GrainFactory;

    /// <summary>Called after persistent state is loaded and before the first call runs.</summary>
    public virtual Task OnActivateAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Called before the activation ends (best effort: skipped on a crash).</summary>
    public virtual Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>Ends this activation after the current turn; later calls go to a new activation.</summary>
    protected void DeactivateOnIdle()
        => _activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ApplicationRequested, "DeactivateOnIdle"));

    /// <summary>Starts a timer whose next tick is scheduled <paramref name="period"/> after the callback completes.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, TimeSpan dueTime, TimeSpan period)
        => RegisterGrainTimer(callback, new GrainTimerOptions(dueTime, period));

    /// <summary>Starts a timer with explicit options.</summary>
    protected IGrainTimer RegisterGrainTimer(Func<CancellationToken, Task> callback, GrainTimerOptions options)
    {
        ArgumentNullException.ThrowIfNull(callback);
        ArgumentNullException.ThrowIfNull(options);
        return _activation.RegisterTimer(callback, options);
    }

    /// <summary>Registers or updates a durable reminder; the grain must implement <see cref="IRemindable"/>. Period at least 1 minute.</summary>
    protected Task<GrainReminder> RegisterOrUpdateReminder(string reminderName, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken = default)
    {
        if (this is not IRemindable)
        {
            throw new InvalidOperationException($"{GetType().Name} registers reminder '{reminderName}' but does not implement IRemindable.");
        }

        return _activation.Silo.Reminders.RegisterOrUpdateAsync(GrainId, reminderName, dueTime, period, cancellationToken);
    }

    /// <summary>Removes a durable reminder (no error when absent).</summary>
    protected Task UnregisterReminder(string reminderName, CancellationToken cancellationToken = default)
        => _activation.Silo.Reminders.UnregisterAsync(GrainId, reminderName, cancellationToken);

    /// <summary>
    /// Stages an event for the outbox: the next WriteStateAsync of any state of this activation commits it together
    /// with the state, in one storage transaction.
    /// </summary>
    protected void StageEvent<T>(string streamNamespace, string streamKey, T payload)
        => _activation.Stage(CreateDraft(streamNamespace, streamKey, payload));

    /// <summary>Appends an event to the default storage's stream log now, without a state write.</summary>
    protected Task PublishEventAsync<T>(string streamNamespace, string streamKey, T payload, CancellationToken cancellationToken = default)
        => _activation.Silo.PublishAsync(GrainId, CreateDraft(streamNamespace, streamKey, payload), cancellationToken);

    private static StreamEventDraft CreateDraft<T>(string streamNamespace, string streamKey, T payload)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(streamNamespace);
        ArgumentNullException.ThrowIfNull(streamKey);
        return new StreamEventDraft(streamNamespace, streamKey, StreamEvent.PayloadTypeName<T>(), System.Text.Json.JsonSerializer.Serialize(payload, ActorJson.Options));
    }
}
