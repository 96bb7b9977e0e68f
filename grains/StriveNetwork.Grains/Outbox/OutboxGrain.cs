using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Grains.Abstractions.Views;

namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// A grain whose state changes owe events to other grains: <see cref="CommitAsync"/> writes the new state and the
/// events in one state write, then delivers them (<see cref="OutboxDelivery{T}"/>). Delivery resumes on activation and
/// on the outbox reminder, so a crash between the write and the delivery only delays it (docs/adr/0008).
/// </summary>
/// <typeparam name="TState">The grain state.</typeparam>
/// <typeparam name="TEvent">The event type.</typeparam>
public abstract partial class OutboxGrain<TState, TEvent> : Grain, IRemindable
    where TState : class, IOutboxState<TState, TEvent>
{
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private OutboxDelivery<TEvent>? _delivery;
    private ActivationVersions? _versions;

    /// <summary>Creates the grain over its persistent state.</summary>
    protected OutboxGrain(IPersistentState<TState> stored, ILogger logger, TimeProvider time)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        Stored = stored;
        _logger = logger;
        _time = time;
    }

    /// <summary>The grain's persistent state.</summary>
    protected IPersistentState<TState> Stored { get; }

    /// <summary>The clock.</summary>
    protected TimeProvider Time => _time;

    /// <summary>
    /// The version of the state held in memory: set on activation and after every state write, successful or not
    /// (<see cref="ActivationVersions.Next"/>, unique within the process). Views computed from the state are cached
    /// under it (docs/adr/0014).
    /// </summary>
    protected long StateVersion { get; private set; }

    /// <summary>
    /// The key under which this activation announces <see cref="StateVersion"/> to the process's
    /// <see cref="ActivationVersions"/> (for the front door's response cache); null = not announced.
    /// </summary>
    protected virtual ViewSource? AnnouncedAs => null;

    private OutboxDelivery<TEvent> Delivery => _delivery ??= new OutboxDelivery<TEvent>(
        this,
        DeliverAsync,
        ServiceProvider.GetService<IOptions<OutboxOptions>>()?.Value ?? new OutboxOptions(),
        _logger,
        _time,
        ServiceProvider.GetService<OutboxMetrics>());

    /// <inheritdoc />
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        _versions = AnnouncedAs is null ? null : ServiceProvider.GetService<ActivationVersions>();
        NewStateVersion();
        Delivery.Resume(Stored.State.Outbox);
        return base.OnActivateAsync(cancellationToken);
    }

    /// <inheritdoc />
    public override async Task OnDeactivateAsync(DeactivationReason reason, CancellationToken cancellationToken)
    {
        if (_versions is not null && AnnouncedAs is { } source)
        {
            _versions.Withdraw(source, StateVersion);
            _versions = null;
        }

        try
        {
            await Delivery.SettleAsync(Stored.State.Outbox, pending => WriteOutboxAsync(pending, cancellationToken), stopping: true);
        }
        catch (Exception exception)
        {
            // Nothing is lost: undelivered or unpruned entries stay stored and the reminder resumes them.
            LogSettleFailed(_logger, exception);
        }

        await base.OnDeactivateAsync(reason, cancellationToken);
    }

    /// <inheritdoc />
    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        if (string.Equals(reminderName, OutboxDelivery<TEvent>.ReminderName, StringComparison.Ordinal))
        {
            await Delivery.SettleAsync(Stored.State.Outbox, pending => WriteOutboxAsync(pending, CancellationToken.None), stopping: false);
            return;
        }

        await OnReminderAsync(reminderName, status);
    }

    /// <summary>A reminder other than the outbox's fired; grains with their own reminders override this.</summary>
    protected virtual Task OnReminderAsync(string reminderName, TickStatus status) => Task.CompletedTask;

    /// <summary>Calls the receiver of one entry; completes when the receiver has applied (or already had) it.</summary>
    protected abstract Task DeliverAsync(OutboxEntry<TEvent> entry);

    /// <summary>
    /// Makes <paramref name="next"/> the state with <paramref name="events"/> added to its outbox, in one write, then
    /// starts delivering. When the write fails nothing changed, in memory as in storage (<see cref="StateWrites"/>).
    /// </summary>
    protected async Task CommitAsync(TState next, IReadOnlyList<OutboundEvent<TEvent>> events, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(next);
        ArgumentNullException.ThrowIfNull(events);
        var merging = events.Any(e => e.Merge is not null && !e.LatestOnly);
        if (merging)
        {
            Delivery.HoldStarts(); // what is merged is chosen now: nothing may start before the write's outbox is live
        }

        try
        {
            var outbox = Delivery.Pending(Stored.State.Outbox);
            foreach (var e in events)
            {
                outbox = e.Merge is { } merge && !e.LatestOnly
                    ? outbox.AddMerged(e.Target, e.TargetKey, e.Payload, merge, Delivery.Started)
                    : outbox.Add(e.Target, e.TargetKey, e.Payload, e.LatestOnly);
            }

            if (events.Count > 0)
            {
                await Delivery.EnsureReminderAsync();
            }

            await WriteAsync(next.WithOutbox(outbox), cancellationToken);
            Delivery.Start(outbox);
        }
        finally
        {
            if (merging)
            {
                Delivery.ReleaseStarts();
            }
        }
    }

    /// <summary>
    /// Pending entries are no longer merged with later events (see <see cref="OutboxDelivery{T}.Started"/>): call when a
    /// receiver has just read the state those entries announce.
    /// </summary>
    protected void SealOutbox() => Delivery.Seal();

    private Task WriteOutboxAsync(Outbox<TEvent> pending, CancellationToken cancellationToken) =>
        WriteAsync(Stored.State.WithOutbox(pending), cancellationToken);

    /// <summary>
    /// Replaces the state; then, before the caller's reply, a new <see cref="StateVersion"/> is announced. A failed
    /// write restores the previous state and also takes a new version, so nothing cached while it ran is served.
    /// </summary>
    private async Task WriteAsync(TState next, CancellationToken cancellationToken)
    {
        try
        {
            await StateWrites.ReplaceAsync(Stored, next, DeactivateOnIdle, cancellationToken);
        }
        finally
        {
            NewStateVersion();
        }
    }

    private void NewStateVersion()
    {
        StateVersion = ActivationVersions.Next();
        if (_versions is not null && AnnouncedAs is { } source)
        {
            _versions.Announce(source, StateVersion);
        }
    }

    [LoggerMessage(EventId = 5102, EventName = "OutboxSettleFailed", Level = LogLevel.Warning,
        Message = "Could not settle the outbox while deactivating; the reminder will resume it")]
    private static partial void LogSettleFailed(ILogger logger, Exception exception);
}
