namespace StriveNetwork.Actors.Tests;

public sealed class SchedulingTests : ClusterTestBase
{
    [Fact]
    public async Task NonReentrantGrain_NeverInterleavesConcurrentCalls()
    {
        var grain = Client.GetGrain<IProbeGrain>("p1");
        var calls = Enumerable.Range(0, 20).Select(_ => grain.Work(5)).ToList();
        var results = await Task.WhenAll(calls).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.All(results, r => Assert.Equal(5, r));
        Assert.Equal(1, Probe.MaxInFlight);
        Assert.DoesNotContain("overlap", Probe.Events);
    }

    [Fact]
    public async Task NonReentrantGrain_QueuesCallUntilAwaitingTurnCompletes()
    {
        var grain = Client.GetGrain<IProbeGrain>("p2");
        var waiting = grain.WaitForGate();
        await Probe.WaitForAsync("wait-start");
        var ping = grain.Ping();
        Assert.False(ping.IsCompleted);

        Probe.Gate.SetResult();
        await Task.WhenAll(waiting, ping).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(["wait-start", "wait-end", "ping"], Probe.Events);
    }

    [Fact]
    public async Task AlwaysInterleaveMethod_RunsWhileNonReentrantTurnAwaits()
    {
        var grain = Client.GetGrain<IProbeGrain>("p3");
        var waiting = grain.WaitForGate();
        await Probe.WaitForAsync("wait-start");

        Assert.Equal("peeked", await grain.Peek().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(waiting.IsCompleted);

        Probe.Gate.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["wait-start", "peek", "wait-end"], Probe.Events);
    }

    [Fact]
    public async Task ReentrantGrain_InterleavesAtAwaitPoints()
    {
        var grain = Client.GetGrain<IReentrantProbeGrain>("r1");
        var waiting = grain.WaitForGate();
        await Probe.WaitForAsync("wait-start");

        Assert.Equal("pong", await grain.Ping().WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.False(waiting.IsCompleted);

        Probe.Gate.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(["wait-start", "ping", "wait-end"], Probe.Events);
    }

    [Fact]
    public async Task CallCycleBetweenNonReentrantGrains_EndsWithTimeoutNamingGrainAndMethod()
    {
        var call = Client.GetGrain<ICycleGrain>("a").CallOther("b");
        await Probe.WaitForAsync("callback-entered");
        Assert.False(call.IsCompleted);

        Clock.Advance(TimeSpan.FromSeconds(31));

        var error = await Assert.ThrowsAsync<GrainCallTimeoutException>(() => call.WaitAsync(TimeSpan.FromSeconds(10)));
        Assert.Contains("cycle/", error.Message, StringComparison.Ordinal);
        Assert.Contains(nameof(ICycleGrain), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task TimeoutThrownByGrain_ReachesCallerUnchanged()
    {
        var error = await Assert.ThrowsAsync<TimeoutException>(() => Client.GetGrain<IProbeGrain>("p7").ThrowTimeout());
        Assert.IsNotType<GrainCallTimeoutException>(error);
        Assert.Equal("the grain's own timeout", error.Message);
    }

    [Fact]
    public async Task OneWayCall_ReturnsWithoutWaitingAndStillRuns()
    {
        var grain = Client.GetGrain<IProbeGrain>("p4");
        var waiting = grain.WaitForGate();
        await Probe.WaitForAsync("wait-start");

        var fire = grain.Fire("x");
        Assert.True(fire.IsCompleted);
        Probe.Gate.SetResult();
        await waiting.WaitAsync(TimeSpan.FromSeconds(10));
        await Probe.WaitForAsync("fire:x");
    }

    [Fact]
    public async Task ForceSerialization_RejectsArgumentThatCannotRoundTrip()
    {
        var cyclic = new Cyclic();
        cyclic.Next = cyclic;

        var error = await Assert.ThrowsAsync<GrainSerializationException>(() => Client.GetGrain<IProbeGrain>("p5").Accept(cyclic));

        Assert.Contains("Accept", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("accepted", Probe.Events);
    }

    [Fact]
    public async Task ForceSerialization_CopiesArgumentsAndResults()
    {
        var value = new Cyclic();
        var result = await Client.GetGrain<IProbeGrain>("p6").Accept(value);

        Assert.NotSame(value, result);
        Assert.Null(result.Next);
    }

    [Fact]
    public void GetGrain_RejectsInterfaceWithoutKeyArgument()
        => Assert.Throws<ArgumentNullException>(() => Client.GetGrain<IProbeGrain>(null!));

    [Fact]
    public void GrainId_ParsesOnFirstSlashAndRejectsBadInput()
    {
        var id = GrainId.Parse("partnership/a/b");
        Assert.Equal("partnership", id.Type);
        Assert.Equal("a/b", id.Key);
        Assert.Throws<FormatException>(() => GrainId.Parse("nokey"));
        Assert.Throws<ArgumentException>(() => new GrainId("a/b", "k"));
    }
}
