using Microsoft.Extensions.DependencyInjection;
using Orleans.Storage;
using Orleans.TestingHost;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>
/// The providers in a real silo (in-process test cluster), one subclass per store: grain state and reminders survive
/// a restart of the whole cluster, storage errors reach callers as themselves, and a store that cannot be opened
/// fails the silo start with its own message.
/// </summary>
public abstract class SiloTests : IAsyncLifetime
{
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(60);
    private readonly string _serviceId = "svc-" + Guid.NewGuid().ToString("N")[..8];
    private readonly List<InProcessTestCluster> _clusters = [];

    /// <summary>Adds the grain storage named <see cref="CounterGrain.StorageName"/> and the reminder table on this test's store.</summary>
    protected abstract void AddProviders(ISiloBuilder silo);

    /// <summary>Adds the providers on a store that cannot be opened (for the start-failure test).</summary>
    protected abstract void AddUnavailableProviders(ISiloBuilder silo);

    /// <summary>What the start failure's message names (the file, or host and port).</summary>
    protected abstract string UnavailableStoreName { get; }

    /// <summary>Makes the store refuse further writes as full (the storage is the silo's instance).</summary>
    protected abstract Task MakeStoreFullAsync(IGrainStorage storage);

    /// <summary>Drops the state table under the silo's feet (a store error that is neither "full" nor "unavailable").</summary>
    protected abstract Task DropStateTableAsync(IGrainStorage storage);

    /// <summary>Deletes the store.</summary>
    protected abstract Task DeleteStoreAsync();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var cluster in _clusters.ToList())
        {
            await StopAsync(cluster);
        }

        await DeleteStoreAsync();
    }

    [Fact]
    public async Task GrainState_SurvivesARestartOfTheWholeCluster()
    {
        var first = await StartClusterAsync();
        var written = await first.Client.GetGrain<ICounterGrain>("survivor").SetAsync("hello", 3);
        Assert.Equal("1", written.ETag);
        await StopAsync(first);

        var second = await StartClusterAsync();
        var grain = second.Client.GetGrain<ICounterGrain>("survivor");
        var read = await grain.GetAsync();

        Assert.True(read.RecordExists);
        Assert.Equal("hello", read.Text);
        Assert.Equal(3, read.Count);
        Assert.Equal("1", read.ETag);
        // The new activation carries the stored ETag, so it can write on.
        Assert.Equal("2", (await grain.SetAsync("again", 4)).ETag);
        await grain.ClearAsync();
        var cleared = await grain.GetAsync();
        Assert.False(cleared.RecordExists);
        Assert.Equal("3", cleared.ETag);
        Assert.Null(cleared.Text);
    }

    [Fact]
    public async Task Reminder_FiresAndKeepsFiringAfterARestartOfTheWholeCluster()
    {
        var first = await StartClusterAsync();
        var grain = first.Client.GetGrain<ICounterGrain>("ticker");
        await grain.StartTickingAsync(TimeSpan.FromSeconds(1));
        await WaitForTicksAsync(grain, atLeast: 2);
        await StopAsync(first);

        // Nothing registers the reminder again: the new cluster finds it in the table and fires it.
        var second = await StartClusterAsync();
        grain = second.Client.GetGrain<ICounterGrain>("ticker");
        var persisted = (await grain.GetAsync()).Ticks;
        Assert.True(persisted >= 2, $"Only {persisted} ticks were persisted.");
        await WaitForTicksAsync(grain, atLeast: persisted + 2);

        await grain.StopTickingAsync();
    }

    [Fact]
    public async Task StoreFull_ReachesTheCallerAsGrainStorageFullException()
    {
        var cluster = await StartClusterAsync();
        var grain = cluster.Client.GetGrain<ICounterGrain>("filler");
        await grain.SetAsync("small", 1);
        var storage = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredKeyedService<IGrainStorage>(CounterGrain.StorageName);
        await MakeStoreFullAsync(storage);

        var ex = await Assert.ThrowsAsync<GrainStorageFullException>(() => grain.SetAsync(new string('x', 256 * 1024), 2));

        Assert.Contains("is full", ex.Message, StringComparison.Ordinal);
        // Thrown by grain code too, both types keep their type and message across the call.
        Assert.Equal("m1", (await Assert.ThrowsAsync<GrainStorageFullException>(() => grain.ThrowAsync("full", "m1"))).Message);
        Assert.Equal("m2", (await Assert.ThrowsAsync<GrainStorageUnavailableException>(() => grain.ThrowAsync("unavailable", "m2"))).Message);
    }

    [Fact]
    public async Task OtherFailures_ReachTheCallerReadably()
    {
        var cluster = await StartClusterAsync();
        var grain = cluster.Client.GetGrain<ICounterGrain>("broken");
        await grain.SetAsync("ok", 1);

        // Rejected by the argument rules (PostgreSQL cannot store U+0000), before the store is touched.
        // Orleans wraps exceptions that are not its own in an OrleansException (the ArgumentException is inside).
        var nul = await Assert.ThrowsAsync<OrleansException>(() => grain.SetAsync("a\0b", 2));
        Assert.Contains("U+0000", Assert.IsAssignableFrom<ArgumentException>(nul.InnerException).Message, StringComparison.Ordinal);

        // A store error that is neither "full" nor "unavailable" arrives as an OrleansException naming the store.
        var storage = cluster.GetSiloServiceProvider(cluster.Silos[0].SiloAddress).GetRequiredKeyedService<IGrainStorage>(CounterGrain.StorageName);
        await DropStateTableAsync(storage);
        var broken = await Assert.ThrowsAsync<OrleansException>(() => grain.SetAsync("gone", 3));
        Assert.Contains("grain storage 'strive'", broken.Message, StringComparison.Ordinal);
        Assert.Contains("grain_state", broken.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UnavailableStore_FailsTheSiloStartWithTheStoresMessage()
    {
        var failure = await Assert.ThrowsAnyAsync<Exception>(() => StartClusterAsync(AddUnavailableProviders));

        var unavailable = Flatten(failure).OfType<GrainStorageUnavailableException>().FirstOrDefault();
        Assert.True(unavailable is not null, $"No GrainStorageUnavailableException in: {failure}");
        Assert.Contains(UnavailableStoreName, unavailable.Message, StringComparison.Ordinal);
        Assert.Contains("opening the store", unavailable.Message, StringComparison.Ordinal);
    }

    protected static IEnumerable<Exception> Flatten(Exception exception)
    {
        yield return exception;
        var inner = exception is AggregateException aggregate ? aggregate.InnerExceptions : exception.InnerException is { } one ? [one] : [];
        foreach (var child in inner.SelectMany(Flatten))
        {
            yield return child;
        }
    }

    private static async Task WaitForTicksAsync(ICounterGrain grain, int atLeast)
    {
        using var timeout = new CancellationTokenSource(Patience);
        var ticks = 0;
        while (!timeout.IsCancellationRequested)
        {
            ticks = (await grain.GetAsync()).Ticks;
            if (ticks >= atLeast)
            {
                return;
            }

            await Task.Delay(250);
        }

        Assert.Fail($"The reminder ticked {ticks} times, expected at least {atLeast} within {Patience}.");
    }

    private async Task StopAsync(InProcessTestCluster cluster)
    {
        if (!_clusters.Remove(cluster))
        {
            return;
        }

        try
        {
            await cluster.StopAllSilosAsync();
        }
        finally
        {
            await cluster.DisposeAsync();
        }
    }

    private async Task<InProcessTestCluster> StartClusterAsync(Action<ISiloBuilder>? addProviders = null)
    {
        var builder = new InProcessTestClusterBuilder(1);
        // The same service id in every cluster of a test: reminders belong to a service, not to a cluster instance.
        builder.Options.ServiceId = _serviceId;
        builder.Options.ConfigureFileLogging = false;
        builder.ConfigureSilo((_, silo) =>
        {
            (addProviders ?? AddProviders)(silo);
            silo.Configure<ReminderOptions>(o => o.MinimumReminderPeriod = TimeSpan.FromSeconds(1));
        });
        var cluster = builder.Build();
        _clusters.Add(cluster);
        using var timeout = new CancellationTokenSource(Patience);
        await cluster.DeployAsync(timeout.Token);
        return cluster;
    }
}
