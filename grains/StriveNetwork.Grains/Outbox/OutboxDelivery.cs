using Microsoft.Extensions.Logging;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Outbox;

/// <summary>
/// Delivers one activation's outbox: entries in order, each retried until its receiver acknowledges it. The loop runs
/// on the grain's scheduler but outside its request turns (it is started, not awaited), so a receiver that calls the
/// producer back never deadlocks with it, and the producer keeps serving while it delivers. It never writes state:
/// acknowledged entries are dropped from storage by the producer's next write (<see cref="Pending"/>), or when the
/// activation ends. A durable reminder (<see cref="ReminderName"/>) is registered before the first write that adds
/// entries, so entries left by a crash are delivered when the reminder wakes the grain; receivers are idempotent by
/// the producer's sequence, so a redelivery changes nothing.
/// </summary>
/// <typeparam name="T">The event type.</typeparam>
public sealed partial class OutboxDelivery<T>
{
    /// <summary>Name of the reminder that resumes delivery after a crash.</summary>
    public const string ReminderName = "outbox";

    private readonly Grain _grain;
    private readonly OutboxOptions _options;
    private readonly Func<OutboxEntry<T>, Task> _deliver;
    private readonly ILogger _logger;
    private readonly TimeProvider _time;
    private readonly OutboxMetrics? _metrics;
    private readonly HashSet<long> _delivered = [];
    private readonly HashSet<long> _started = [];
    private IReadOnlyList<OutboxEntry<T>> _entries = [];
    private Task _loop = Task.CompletedTask;
    private TaskCompletionSource? _startsHeld;
    private int _holds;
    private bool _reminderRegistered;
    private bool _startedSinceTick;
    private bool _stopped;

    /// <summary>
    /// Creates the delivery of one activation; <paramref name="deliver"/> calls the receiver of an entry;
    /// <paramref name="metrics"/> (optional) counts retries, resumed and refused entries.
    /// </summary>
    public OutboxDelivery(Grain grain, Func<OutboxEntry<T>, Task> deliver, OutboxOptions options, ILogger logger, TimeProvider time, OutboxMetrics? metrics = null)
    {
        ArgumentNullException.ThrowIfNull(grain);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(deliver);
        ArgumentNullException.ThrowIfNull(logger);
        ArgumentNullException.ThrowIfNull(time);
        _grain = grain;
        _options = options;
        _deliver = deliver;
        _logger = logger;
        _time = time;
        _metrics = metrics;
    }

    /// <summary>True while an entry handed to <see cref="Start"/> is not acknowledged.</summary>
    public bool HasUndelivered => _entries.Any(e => !_delivered.Contains(e.Sequence));

    /// <summary>
    /// Entries that a receiver may already have applied: those whose delivery began in this activation, those found
    /// stored when it activated (an earlier activation may have delivered them) and those <see cref="Seal"/>ed. A
    /// merging event never changes them (<see cref="Outbox{T}.AddMerged"/>).
    /// </summary>
    public IReadOnlySet<long> Started => _started;

    /// <summary>
    /// Keeps the loop from starting another entry until <see cref="ReleaseStarts"/>: call before choosing which pending
    /// entries a write merges, and release once that write has landed (and <see cref="Start"/> has the new outbox) or
    /// failed. Without it the loop could start, during the write, an entry the write is replacing by a merged one, and
    /// the receiver would then get both: the merged entry's base would be older than what it counted (a broken chain).
    /// </summary>
    public void HoldStarts()
    {
        _holds++;
        _startsHeld ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
    }

    /// <summary>Ends one <see cref="HoldStarts"/>; the loop goes on once every hold has ended.</summary>
    public void ReleaseStarts()
    {
        if (_holds > 0 && --_holds == 0 && _startsHeld is { } held)
        {
            _startsHeld = null;
            held.TrySetResult();
        }
    }

    /// <summary>Marks every entry handed to <see cref="Start"/> as started: a receiver has read the producer's state past them.</summary>
    public void Seal() => _started.UnionWith(_entries.Select(e => e.Sequence));

    /// <summary>The stored outbox less what this activation has delivered: the base of the producer's next write.</summary>
    public Outbox<T> Pending(Outbox<T> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        return stored.Without(_delivered);
    }

    /// <summary>
    /// Makes sure the resume reminder exists; call before a write that adds entries, so that a write that lands always
    /// has a reminder behind it. Costs one reminder write per activation.
    /// </summary>
    public async Task EnsureReminderAsync()
    {
        if (!_reminderRegistered)
        {
            await _grain.RegisterOrUpdateReminder(ReminderName, _options.ReminderPeriod, _options.ReminderPeriod);
            _reminderRegistered = true;
        }
    }

    /// <summary>On activation: counts the entries a previous activation left stored, then <see cref="Start"/>s delivering them.</summary>
    public void Resume(Outbox<T> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        if (_metrics is not null)
        {
            foreach (var target in stored.Entries.GroupBy(e => e.Target))
            {
                _metrics.Resumed(target.Key, target.Count());
            }
        }

        _started.UnionWith(stored.Entries.Select(e => e.Sequence));
        Start(stored);
    }

    /// <summary>Starts (or feeds) the delivery loop with the stored outbox; call after each successful write and on activation.</summary>
    public void Start(Outbox<T> stored)
    {
        _startedSinceTick = true;
        StartDelivering(stored);
    }

    private void StartDelivering(Outbox<T> stored)
    {
        ArgumentNullException.ThrowIfNull(stored);
        _entries = stored.Entries;

        // Only entries storage still lists need remembering: once a write has dropped them, so can this set, which
        // otherwise would grow with every event a long-lived activation delivers.
        _delivered.IntersectWith(_entries.Select(e => e.Sequence));
        _started.IntersectWith(_entries.Select(e => e.Sequence));
        if (!_stopped && HasUndelivered && _loop.IsCompleted)
        {
            _loop = RunAsync();
        }
    }

    /// <summary>
    /// On a reminder tick (or with <paramref name="stopping"/>, when the activation ends): once every entry is
    /// delivered and, on a tick, no write was started since the previous tick, writes the stored outbox without them
    /// through <paramref name="writePending"/> (when storage still lists any) and removes the reminder; while entries
    /// remain, keeps delivering (or, when stopping, leaves them and the reminder for the next activation).
    /// </summary>
    public async Task SettleAsync(Outbox<T> stored, Func<Outbox<T>, Task> writePending, bool stopping)
    {
        ArgumentNullException.ThrowIfNull(stored);
        ArgumentNullException.ThrowIfNull(writePending);
        _stopped |= stopping;
        StartDelivering(stored);
        if (HasUndelivered)
        {
            return;
        }

        if (!stopping && _startedSinceTick)
        {
            // Written since the last tick: the next write prunes what was delivered, so the reminder stays and nothing
            // is written now. Settling an activation that keeps writing would cost a state write, a reminder delete and
            // a reminder insert per period; the first tick with no write since the last one (or the deactivation) settles.
            _startedSinceTick = false;
            return;
        }

        if (stored.Entries.Count > 0)
        {
            await writePending(Pending(stored));
        }

        if (await _grain.GetReminder(ReminderName) is { } reminder)
        {
            await _grain.UnregisterReminder(reminder);
        }

        _reminderRegistered = false;
    }

    private async Task RunAsync()
    {
        var failures = 0;
        while (!_stopped && _entries.FirstOrDefault(e => !_delivered.Contains(e.Sequence)) is { } entry)
        {
            if (_startsHeld is { } held && !_started.Contains(entry.Sequence))
            {
                // A write is merging entries that have not started: choose again from the outbox it leaves. (An entry
                // already started, being retried, is never merged, so its delivery goes on.)
                await held.Task;
                continue;
            }

            _started.Add(entry.Sequence);
            try
            {
                await _deliver(entry);
                _delivered.Add(entry.Sequence);
                failures = 0;
            }
            catch (GrainDomainException exception)
            {
                // The receiver refused the event itself: retrying cannot change that. Recorded, then skipped.
                LogRefused(_logger, entry.Target, entry.TargetKey, entry.Sequence, exception);
                _metrics?.Refused(entry.Target);
                _delivered.Add(entry.Sequence);
            }
            catch (Exception exception)
            {
                failures++;
                var backoff = TimeSpan.FromMilliseconds(Math.Min(_options.MaxBackoff.TotalMilliseconds, 100 * Math.Pow(2, Math.Min(failures, 16))));
                LogRetry(_logger, entry.Target, entry.TargetKey, entry.Sequence, failures, backoff, exception);
                _metrics?.Retried(entry.Target);
                await Task.Delay(backoff, _time);
            }
        }
    }

    [LoggerMessage(EventId = 5100, EventName = "OutboxDeliveryRetry", Level = LogLevel.Warning,
        Message = "Delivery of outbox entry {Sequence} to {Target} '{TargetKey}' failed (attempt {Attempt}); retrying in {Backoff}")]
    private static partial void LogRetry(ILogger logger, OutboxTarget target, string targetKey, long sequence, int attempt, TimeSpan backoff, Exception exception);

    [LoggerMessage(EventId = 5101, EventName = "OutboxEntryRefused", Level = LogLevel.Error,
        Message = "{Target} '{TargetKey}' refused outbox entry {Sequence}; it is dropped")]
    private static partial void LogRefused(ILogger logger, OutboxTarget target, string targetKey, long sequence, Exception exception);
}
