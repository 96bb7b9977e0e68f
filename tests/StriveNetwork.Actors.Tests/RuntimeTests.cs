using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Actors.Tests;

public interface IMeteredGrain : IGrainWithStringKey
{
    Task<string> Hello(string name);
}

[GrainType("metered")]
public sealed class MeteredGrain : Grain, IMeteredGrain
{
    public Task<string> Hello(string name) => Task.FromResult($"hello {name}");
}

public interface IFlakyActivationGrain : IGrainWithStringKey
{
    Task<string> Ping();
}

public sealed class FlakyActivationGrain(TestProbe probe) : Grain, IFlakyActivationGrain
{
    public override Task OnActivateAsync(CancellationToken cancellationToken)
    {
        probe.Record("flaky-activate");
        if (probe.Count("flaky-activate") == 1)
        {
            throw new InvalidOperationException("first activation fails");
        }

        return Task.CompletedTask;
    }

    public Task<string> Ping() => Task.FromResult("ok");
}

public interface IOrphanGrain : IGrainWithStringKey
{
    Task Nothing();
}

public sealed class RuntimeTests : ClusterTestBase
{
    [Fact]
    public async Task ConcurrentFirstCalls_CreateExactlyOneActivation()
    {
        var grain = Client.GetGrain<ICounterGrain>("once");
        await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => grain.Get().AsTask())).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(1, Probe.Count("activate:once"));
    }

    [Fact]
    public async Task FailedActivation_FailsTheTriggeringCallAndNextCallActivatesAgain()
    {
        var grain = Client.GetGrain<IFlakyActivationGrain>("f");

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => grain.Ping());
        Assert.Equal("first activation fails", error.Message);
        Assert.Equal("ok", await grain.Ping());
    }

    [Fact]
    public void GetGrain_ForInterfaceWithoutGrainClass_ExplainsTheProblem()
    {
        var error = Assert.Throws<InvalidOperationException>(() => Client.GetGrain<IOrphanGrain>("x"));
        Assert.Contains("No grain class implements", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Metrics_CountCallsAndActivationsOnTheActorsMeter()
    {
        var calls = 0L;
        var activations = 0L;
        using var listener = new MeterListener();
        listener.InstrumentPublished = (instrument, l) =>
        {
            if (instrument.Meter.Name == ActorMetrics.MeterName)
            {
                l.EnableMeasurementEvents(instrument);
            }
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) =>
        {
            foreach (var tag in tags)
            {
                if (instrument.Name == "strive.actors.calls" && tag.Key == "method" && (string?)tag.Value == "Hello")
                {
                    Interlocked.Add(ref calls, value);
                }

                if (instrument.Name == "strive.actors.activations" && tag.Key == "grain_type" && (string?)tag.Value == "metered")
                {
                    Interlocked.Add(ref activations, value);
                }
            }
        });
        listener.Start();

        var grain = Client.GetGrain<IMeteredGrain>("m");
        Assert.Equal("hello a", await grain.Hello("a"));
        Assert.Equal("hello b", await grain.Hello("b"));

        Assert.Equal(2, Interlocked.Read(ref calls));
        Assert.Equal(1, Interlocked.Read(ref activations));
    }

    [Fact]
    public async Task InvalidOptions_FailHostStart()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddActorRuntime(o => o.CallTimeout = TimeSpan.Zero).AddMemoryGrainStorage();
        using var host = builder.Build();

        var error = await Assert.ThrowsAsync<OptionsValidationException>(() => host.StartAsync());
        Assert.Contains("CallTimeout", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostBuilderExtension_RunsGrainsOnAGenericHost()
    {
        using var host = new HostBuilder()
            .UseActorRuntime(configureRuntime: r => r.AddGrainAssembly(typeof(RuntimeTests).Assembly).AddMemoryGrainStorage())
            .Build();
        await host.StartAsync();

        var grain = host.Services.GetRequiredService<IGrainFactory>().GetGrain<IMeteredGrain>("host");
        Assert.Equal("hello host", await grain.Hello("host"));
        await host.StopAsync();
    }

    [Fact]
    public async Task TestClusterBuilder_RejectsMoreThanOneSiloForNow()
        => await Assert.ThrowsAsync<NotSupportedException>(() => new InProcessTestClusterBuilder(2).BuildAndStartAsync());
}
