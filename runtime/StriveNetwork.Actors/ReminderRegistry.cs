using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors;

/// <summary>
/// Durable reminders: the table is one state record of the reserved grain type "__reminders" in the default storage,
/// updated with ETag checks; each reminder is armed as a TimeProvider timer whose tick calls IRemindable.ReceiveReminder,
/// activating the grain when needed.
/// </summary>
internal sealed class ReminderRegistry(ActorSilo silo, IServiceProvider services) : IDisposable
{
    internal static readonly GrainStateKey TableKey = new("__reminders", "all", "reminders");

    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly Dictionary<(GrainId Grain, string Name), ITimer> _timers = [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            var (entries, _) = await ReadTableAsync(cancellationToken).ConfigureAwait(false);
            foreach (var entry in entries)
            {
                Arm(entry);
            }

        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<GrainReminder> RegisterOrUpdateAsync(GrainId grainId, string name, TimeSpan dueTime, TimeSpan period, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (period < ActorRuntimeOptions.MinimumReminderPeriod)
        {
            throw new ArgumentOutOfRangeException(nameof(period), period, $"Reminder '{name}' of grain {grainId}: the period must be at least {ActorRuntimeOptions.MinimumReminderPeriod} (use a grain timer for shorter periods).");
        }

        ArgumentOutOfRangeException.ThrowIfLessThan(dueTime, TimeSpan.Zero);
        var reminder = new GrainReminder(grainId, name, silo.TimeProvider.GetUtcNow() + dueTime, period);
        await UpdateTableAsync(entries => [.. entries.Where(e => !Matches(e, grainId, name)), reminder], cancellationToken).ConfigureAwait(false);
        Arm(reminder);
        return reminder;
    }

    public async Task UnregisterAsync(GrainId grainId, string name, CancellationToken cancellationToken)
    {
        await UpdateTableAsync(entries => [.. entries.Where(e => !Matches(e, grainId, name))], cancellationToken).ConfigureAwait(false);
        lock (_timers)
        {
            if (_timers.Remove((grainId, name), out var timer))
            {
                timer.Dispose();
            }
        }
    }

    public async Task<IReadOnlyList<GrainReminder>> GetRemindersAsync(CancellationToken cancellationToken = default)
        => (await ReadTableAsync(cancellationToken).ConfigureAwait(false)).Entries;

    public void Dispose()
    {
        lock (_timers)
        {
            foreach (var timer in _timers.Values)
            {
                timer.Dispose();
            }

            _timers.Clear();
        }

        _gate.Dispose();
    }

    private static bool Matches(GrainReminder entry, GrainId grainId, string name)
        => entry.GrainId == grainId && string.Equals(entry.Name, name, StringComparison.Ordinal);

    private IGrainStorage Storage => services.GetKeyedService<IGrainStorage>(silo.Options.DefaultStorageName)
        ?? throw new InvalidOperationException($"Reminders need the default grain storage '{silo.Options.DefaultStorageName}'.");

    private async Task<(List<GrainReminder> Entries, string? ETag)> ReadTableAsync(CancellationToken cancellationToken)
    {
        var stored = await Storage.ReadAsync(TableKey, cancellationToken).ConfigureAwait(false);
        if (stored is null || !stored.RecordExists)
        {
            return ([], stored?.ETag);
        }

        var rows = JsonSerializer.Deserialize<List<ReminderRow>>(stored.Json, ActorJson.Options) ?? [];
        return ([.. rows.Select(r => new GrainReminder(GrainId.Parse(r.GrainId), r.Name, r.FirstTickTime, r.Period))], stored.ETag);
    }

    private async Task UpdateTableAsync(Func<List<GrainReminder>, List<GrainReminder>> change, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            // Another silo may write the table between read and write; the ETag check catches it and we re-read.
            for (var attempt = 1; ; attempt++)
            {
                var (entries, etag) = await ReadTableAsync(cancellationToken).ConfigureAwait(false);
                var rows = change(entries).Select(r => new ReminderRow(r.GrainId.ToString(), r.Name, r.FirstTickTime, r.Period)).ToList();
                try
                {
                    await Storage.WriteAsync(TableKey, JsonSerializer.Serialize(rows, ActorJson.Options), 1, etag, [], cancellationToken).ConfigureAwait(false);
                    return;
                }
                catch (InconsistentStateException) when (attempt < 5)
                {
                }
            }
        }
        finally
        {
            _gate.Release();
        }
    }

    private void Arm(GrainReminder reminder)
    {
        var now = silo.TimeProvider.GetUtcNow();
        var due = reminder.FirstTickTime - now;
        if (due < TimeSpan.Zero)
        {
            // Missed ticks are not replayed (Orleans semantics): wait for the next tick on the original schedule.
            var missed = (long)Math.Ceiling((now - reminder.FirstTickTime) / reminder.Period);
            due = reminder.FirstTickTime + (reminder.Period * missed) - now;
        }

        var timer = silo.TimeProvider.CreateTimer(static state => ((Tick)state!).Fire(), new Tick(silo, reminder), due, reminder.Period);
        lock (_timers)
        {
            if (_timers.Remove((reminder.GrainId, reminder.Name), out var previous))
            {
                previous.Dispose();
            }

            _timers[(reminder.GrainId, reminder.Name)] = timer;
        }
    }

    private sealed record ReminderRow(string GrainId, string Name, DateTimeOffset FirstTickTime, TimeSpan Period);

    private sealed class Tick(ActorSilo silo, GrainReminder reminder)
    {
        public void Fire() => _ = DeliverAsync();

        private async Task DeliverAsync()
        {
            var status = new TickStatus(reminder.FirstTickTime, reminder.Period, silo.TimeProvider.GetUtcNow());
            try
            {
                await silo.InvokeAsync(reminder.GrainId, new SystemInvokers.ReminderInvocation(reminder.Name, status)).ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                silo.Logger.ReminderFailed(reminder.Name, reminder.GrainId, exception);
            }
        }
    }
}
