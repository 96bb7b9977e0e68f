using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Tests;

public sealed class LifecycleTests : ClusterTestBase
{
    [Fact]
    public async Task IdleActivation_IsCollectedAfterCollectionAgeAndReactivatedOnNextCall()
    {
        var grain = Client.GetGrain<ICounterGrain>("idle");
        await grain.Increment(1);
        var id = new GrainId("counter", "idle");
        Assert.True(Cluster.Silo.IsActive(id));

        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(0, Probe.Count("deactivate:idle:ActivationIdle"));

        Clock.Advance(TimeSpan.FromMinutes(6));
        await Probe.WaitForAsync("deactivate:idle:ActivationIdle");
        await Probe.WaitUntilAsync(() => !Cluster.Silo.IsActive(id), "activation removed");

        Assert.Equal(1, await grain.Get());
        Assert.Equal(2, Probe.Count("activate:idle"));
    }

    [Fact]
    public async Task IdleCollection_SkipsActivationWithRunningTurn()
    {
        var grain = Client.GetGrain<ICounterGrain>("working");
        var inFlight = grain.SaveOnDeactivateAndWait();
        await Probe.WaitForAsync("waiting");

        // The caller gives up after the call timeout (same clock), but the turn is still running: not idle.
        Clock.Advance(TimeSpan.FromMinutes(20));
        await Assert.ThrowsAsync<GrainCallTimeoutException>(() => inFlight.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Equal(0, Cluster.Silo.CollectIdleActivations());
        Assert.True(Cluster.Silo.IsActive(new GrainId("counter", "working")));
        Assert.Equal(0, Probe.Count("deactivate:working:ActivationIdle"));

        Probe.Gate.SetResult();
        await Probe.WaitForAsync("released");
    }

    [Fact]
    public async Task DeactivateOnIdle_EndsActivationAndNextCallGetsNewOne()
    {
        var grain = Client.GetGrain<ICounterGrain>("bye");
        await grain.Increment(2);
        await grain.Deactivate();
        await Probe.WaitForAsync("deactivate:bye:ApplicationRequested");

        Assert.Equal(2, await grain.Get());
        Assert.Equal(2, Probe.Count("activate:bye"));
    }

    [Fact]
    public async Task GrainTimer_TicksOnTheClockAndNeverOverlaps()
    {
        var grain = Client.GetGrain<ITimerGrain>("t1");
        await grain.Start(blockFirstTick: true);

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync("tick");

        // The first tick is still running: however far the clock moves, no second tick starts.
        Clock.Advance(TimeSpan.FromMinutes(10));
        Assert.Equal(1, Probe.Count("tick"));

        Probe.Gate.SetResult();
        for (var i = 0; i < 100 && Probe.Count("tick") < 2; i++)
        {
            Clock.Advance(TimeSpan.FromMinutes(1));
            await Task.Delay(10);
        }

        Assert.Equal(2, Probe.Count("tick"));
        Assert.Equal(1, Probe.MaxInFlight);

        await grain.Stop();
        var ticks = Probe.Count("tick");
        Clock.Advance(TimeSpan.FromMinutes(5));
        Assert.Equal(ticks, Probe.Count("tick"));
    }

    [Fact]
    public async Task Reminder_IsStoredAndWakesDeactivatedGrain()
    {
        var grain = Client.GetGrain<IReminderGrain>("r1");
        await grain.Register(TimeSpan.FromMinutes(1));
        var table = await Cluster.Storage.ReadAsync(new GrainStateKey("__reminders", "all", "reminders"));
        Assert.NotNull(table);
        Assert.Contains("reminder/r1", table.Json, StringComparison.Ordinal);

        await grain.Deactivate();
        await Probe.WaitUntilAsync(() => !Cluster.Silo.IsActive(new GrainId("reminder", "r1")), "deactivated");

        Clock.Advance(TimeSpan.FromMinutes(1));
        await Probe.WaitForAsync("reminder:daily");
        Assert.Equal(2, Probe.Count("reminder-activate"));

        await grain.Unregister();
        Clock.Advance(TimeSpan.FromMinutes(3));
        Assert.Equal(1, Probe.Count("reminder:daily"));
    }

    [Fact]
    public async Task Reminder_PeriodBelowOneMinuteIsRejected()
    {
        var error = await Assert.ThrowsAsync<ArgumentOutOfRangeException>(
            () => Client.GetGrain<IReminderGrain>("r2").Register(TimeSpan.FromSeconds(30)));
        Assert.Contains("at least 00:01:00", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GracefulShutdown_FinishesInFlightTurnAndRunsOnDeactivateWhichWritesState()
    {
        var busy = Client.GetGrain<ICounterGrain>("busy");
        var idle = Client.GetGrain<ICounterGrain>("quiet");
        await idle.IncrementInMemory(7);
        var inFlight = busy.SaveOnDeactivateAndWait();
        await Probe.WaitForAsync("waiting");

        var stopping = Cluster.StopAsync();
        Probe.Gate.SetResult();
        await inFlight.WaitAsync(TimeSpan.FromSeconds(10));
        await stopping.WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Contains("released", Probe.Events);
        var busyState = await Cluster.Storage.ReadAsync(new GrainStateKey("counter", "busy", "counter"));
        var quietState = await Cluster.Storage.ReadAsync(new GrainStateKey("counter", "quiet", "counter"));
        Assert.Contains("\"count\":100", busyState!.Json, StringComparison.Ordinal);
        Assert.Contains("\"count\":7", quietState!.Json, StringComparison.Ordinal);
        await Assert.ThrowsAsync<SiloUnavailableException>(() => idle.Increment(1));
    }
}
