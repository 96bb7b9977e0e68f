
namespace StriveNetwork.Providers;

/// <summary>
/// An Orleans <see cref="IReminderTable"/> over one table row per (service id, grain id, reminder name), with the grain's
/// uniform hash as an integer column for the hash-ring range reads and an integer version as ETag. This class owns the
/// rules every store shares (arguments, time precision, ETags, the wrap-around range, start-up, error translation);
/// a subclass supplies the SQL.
/// </summary>
/// <remarks>
/// Upserts are unconditional (Orleans' reminder service owns a reminder's lifecycle) and return the new version; a
/// removal applies only with the current ETag. Start times and periods are kept with microsecond precision (the
/// precision of PostgreSQL's timestamps), so every store returns exactly what another would.
/// </remarks>
public abstract class RowReminderTable : IReminderTable, ILifecycleParticipant<ISiloLifecycle>
{
    private readonly AsyncOnce _initialization;

    /// <summary>Creates the table for one Orleans service.</summary>
    /// <param name="serviceId">The cluster's service id; rows of other services in the same store are never seen.</param>
    protected RowReminderTable(string serviceId)
    {
        StorageArguments.ValidateServiceId(serviceId);
        ServiceId = serviceId;
        _initialization = new AsyncOnce(InitializeStoreAsync);
    }

    /// <summary>The service whose reminders this table reads and writes.</summary>
    public string ServiceId { get; }

    /// <summary>The store, for messages (no password).</summary>
    protected abstract string Store { get; }

    /// <inheritdoc />
    public void Participate(ISiloLifecycle lifecycle)
    {
        ArgumentNullException.ThrowIfNull(lifecycle);
        // Opened well before the reminder service starts, so a store that cannot be opened fails the silo start at once
        // with the store's own message instead of after the reminder service's retries.
        lifecycle.Subscribe($"{GetType().Name}-{ServiceId}", ServiceLifecycleStage.ApplicationServices, StartAsync);
    }

    /// <inheritdoc />
    public Task Init() => StartAsync(CancellationToken.None);

    /// <summary>Opens the store and creates or upgrades its schema (idempotent).</summary>
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _initialization.RunAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, "opening the store") is { } translated)
        {
            throw translated;
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(GrainId grainId) => ReadRows(grainId, CancellationToken.None);

    /// <inheritdoc />
    public async Task<ReminderTableData> ReadRows(GrainId grainId, CancellationToken cancellationToken)
    {
        var id = GrainIdText(grainId);
        var rows = await RunAsync($"read reminders of {id}", ct => ReadRowsAsync(id, ct), cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows.Select(ToEntry));
    }

    /// <inheritdoc />
    public Task<ReminderTableData> ReadRows(uint begin, uint end) => ReadRows(begin, end, CancellationToken.None);

    /// <summary>
    /// Rows whose grain hash is in (<paramref name="begin"/>, <paramref name="end"/>]; when begin &gt;= end the range
    /// wraps around the ring: hash &gt; begin or hash &lt;= end (begin == end is the whole ring).
    /// </summary>
    public async Task<ReminderTableData> ReadRows(uint begin, uint end, CancellationToken cancellationToken)
    {
        var rows = await RunAsync(
            $"read reminders in ({begin}, {end}]", ct => ReadRangeAsync(begin, end, wrapsAround: begin >= end, ct), cancellationToken).ConfigureAwait(false);
        return new ReminderTableData(rows.Select(ToEntry));
    }

    /// <inheritdoc />
    public Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName) => ReadRow(grainId, reminderName, CancellationToken.None);

    /// <summary>The reminder, or null when the grain has none by that name.</summary>
    public async Task<ReminderEntry?> ReadRow(GrainId grainId, string reminderName, CancellationToken cancellationToken)
    {
        var id = GrainIdText(grainId);
        StorageArguments.ValidateReminderKey(ServiceId, id, reminderName);
        var row = await RunAsync($"read reminder {id}/{reminderName}", ct => ReadRowAsync(id, reminderName, ct), cancellationToken).ConfigureAwait(false);
        return row is null ? null : ToEntry(row);
    }

    /// <inheritdoc />
    public Task<string?> UpsertRow(ReminderEntry entry) => UpsertRow(entry, CancellationToken.None);

    /// <summary>Inserts or replaces the reminder (whatever its ETag) and returns its new ETag.</summary>
    public async Task<string?> UpsertRow(ReminderEntry entry, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(entry);
        var id = GrainIdText(entry.GrainId);
        StorageArguments.ValidateReminderKey(ServiceId, id, entry.ReminderName);
        var row = new StoredReminder(id, entry.ReminderName, entry.GrainId.GetUniformHashCode(), ToStoredTime(entry.StartAt), ToStoredPeriod(entry.Period), 0);
        var version = await RunAsync($"upsert reminder {id}/{entry.ReminderName}", ct => UpsertRowAsync(row, ct), cancellationToken).ConfigureAwait(false);
        return VersionETag.Format(version);
    }

    /// <inheritdoc />
    public Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag) => RemoveRow(grainId, reminderName, eTag, CancellationToken.None);

    /// <summary>Removes the reminder when <paramref name="eTag"/> is its current ETag; false when it is not (or there is none).</summary>
    public async Task<bool> RemoveRow(GrainId grainId, string reminderName, string eTag, CancellationToken cancellationToken)
    {
        var id = GrainIdText(grainId);
        StorageArguments.ValidateReminderKey(ServiceId, id, reminderName);
        if (VersionETag.Parse(eTag) is not long version)
        {
            return false;
        }

        return await RunAsync($"remove reminder {id}/{reminderName}", ct => RemoveRowAsync(id, reminderName, version, ct), cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public Task TestOnlyClearTable() => TestOnlyClearTable(CancellationToken.None);

    /// <summary>Removes every reminder of this service (other services' rows stay).</summary>
    public Task TestOnlyClearTable(CancellationToken cancellationToken) =>
        RunAsync("clear the reminders", async ct =>
        {
            await ClearRowsAsync(ct).ConfigureAwait(false);
            return true;
        }, cancellationToken);

    /// <summary>Opens the store and applies its schema scripts (called once, see <see cref="StartAsync"/>).</summary>
    protected abstract Task InitializeStoreAsync(CancellationToken cancellationToken);

    /// <summary>This service's reminders of one grain.</summary>
    protected abstract Task<IReadOnlyList<StoredReminder>> ReadRowsAsync(string grainId, CancellationToken cancellationToken);

    /// <summary>
    /// This service's reminders with grain hash in (begin, end], or with hash &gt; begin or &lt;= end when
    /// <paramref name="wrapsAround"/>.
    /// </summary>
    protected abstract Task<IReadOnlyList<StoredReminder>> ReadRangeAsync(uint begin, uint end, bool wrapsAround, CancellationToken cancellationToken);

    /// <summary>One reminder, or null.</summary>
    protected abstract Task<StoredReminder?> ReadRowAsync(string grainId, string reminderName, CancellationToken cancellationToken);

    /// <summary>Inserts the row with version 1, or replaces its values and bumps its version; returns the new version.</summary>
    protected abstract Task<long> UpsertRowAsync(StoredReminder row, CancellationToken cancellationToken);

    /// <summary>Deletes the row when its version is <paramref name="version"/>; true when a row was deleted.</summary>
    protected abstract Task<bool> RemoveRowAsync(string grainId, string reminderName, long version, CancellationToken cancellationToken);

    /// <summary>Deletes every row of <see cref="ServiceId"/>.</summary>
    protected abstract Task ClearRowsAsync(CancellationToken cancellationToken);

    /// <summary>Which of the store's exceptions mean "full" or "unavailable".</summary>
    protected abstract StoreFailureKind ClassifyFailure(Exception exception);

    /// <summary>Called with the store's own exception before it is reported as <paramref name="kind"/> (for logging it whole).</summary>
    protected virtual void OnStoreFailure(StoreFailureKind kind, string operation, Exception exception)
    {
    }

    /// <summary>Truncates to whole microseconds.</summary>
    protected static long ToMicroseconds(TimeSpan value) => value.Ticks / TimeSpan.TicksPerMicrosecond;

    /// <summary>UTC (an unspecified kind is taken as UTC, as Orleans computes start times in UTC), whole microseconds.</summary>
    private static DateTime ToStoredTime(DateTime value)
    {
        var utc = value.Kind switch
        {
            DateTimeKind.Local => value.ToUniversalTime(),
            DateTimeKind.Unspecified => DateTime.SpecifyKind(value, DateTimeKind.Utc),
            _ => value,
        };
        return new DateTime(utc.Ticks - (utc.Ticks % TimeSpan.TicksPerMicrosecond), DateTimeKind.Utc);
    }

    private static TimeSpan ToStoredPeriod(TimeSpan value) => TimeSpan.FromTicks(value.Ticks - (value.Ticks % TimeSpan.TicksPerMicrosecond));

    private static string GrainIdText(GrainId grainId)
    {
        if (grainId.IsDefault)
        {
            throw new ArgumentException("The grain id is the default (empty) id.", nameof(grainId));
        }

        return grainId.ToString();
    }

    private static ReminderEntry ToEntry(StoredReminder row) => new()
    {
        GrainId = GrainId.Parse(row.GrainId),
        ReminderName = row.ReminderName,
        StartAt = DateTime.SpecifyKind(row.StartAt, DateTimeKind.Utc),
        Period = row.Period,
        ETag = VersionETag.Format(row.Version),
    };

    private async Task<TResult> RunAsync<TResult>(string operation, Func<CancellationToken, Task<TResult>> work, CancellationToken cancellationToken)
    {
        await StartAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            return await work(cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (Translate(ex, operation) is { } translated)
        {
            throw translated;
        }
    }

    private Exception? Translate(Exception exception, string operation)
    {
        var kind = ClassifyFailure(exception);
        if (kind == StoreFailureKind.None)
        {
            return null;
        }

        OnStoreFailure(kind, operation, exception);
        return StoreFailures.Translate(kind, Store, operation, exception);
    }
}
