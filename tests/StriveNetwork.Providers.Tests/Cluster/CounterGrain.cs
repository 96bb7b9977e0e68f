namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>A grain with one persistent state on the provider under test, and a reminder that counts its ticks in it.</summary>
public interface ICounterGrain : IGrainWithStringKey
{
    Task<CounterSnapshot> GetAsync();

    Task<CounterSnapshot> SetAsync(string text, int count);

    Task ClearAsync();

    Task StartTickingAsync(TimeSpan period);

    Task StopTickingAsync();

    Task ThrowAsync(string kind, string message);
}

/// <summary>What the grain holds, as the caller sees it.</summary>
[GenerateSerializer]
[Immutable]
public sealed class CounterSnapshot
{
    [Id(0)]
    public string? Text { get; init; }

    [Id(1)]
    public int Count { get; init; }

    [Id(2)]
    public int Ticks { get; init; }

    [Id(3)]
    public string? ETag { get; init; }

    [Id(4)]
    public bool RecordExists { get; init; }
}

/// <summary>The persisted state (JSON through the provider's serializer; no Orleans attributes needed).</summary>
public sealed class CounterState
{
    public string? Text { get; set; }

    public int Count { get; set; }

    public int Ticks { get; set; }
}

public sealed class CounterGrain([PersistentState("counter", CounterGrain.StorageName)] IPersistentState<CounterState> state)
    : Grain, ICounterGrain, IRemindable
{
    public const string StorageName = "strive";
    private const string ReminderName = "tick";

    public Task<CounterSnapshot> GetAsync() => Task.FromResult(Snapshot());

    public async Task<CounterSnapshot> SetAsync(string text, int count)
    {
        state.State.Text = text;
        state.State.Count = count;
        await state.WriteStateAsync();
        return Snapshot();
    }

    public Task ClearAsync() => state.ClearStateAsync();

    public Task StartTickingAsync(TimeSpan period) => this.RegisterOrUpdateReminder(ReminderName, period, period);

    public async Task StopTickingAsync()
    {
        if (await this.GetReminder(ReminderName) is { } reminder)
        {
            await this.UnregisterReminder(reminder);
        }
    }

    public Task ThrowAsync(string kind, string message) => kind switch
    {
        "full" => throw new GrainStorageFullException(message),
        _ => throw new GrainStorageUnavailableException(message),
    };

    public async Task ReceiveReminder(string reminderName, TickStatus status)
    {
        state.State.Ticks++;
        await state.WriteStateAsync();
    }

    private CounterSnapshot Snapshot() => new()
    {
        Text = state.State.Text,
        Count = state.State.Count,
        Ticks = state.State.Ticks,
        ETag = state.Etag,
        RecordExists = state.RecordExists,
    };
}
