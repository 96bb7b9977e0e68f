using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StriveNetwork.Actors;

namespace StriveNetwork.Bench;

public interface IEchoGrain : IGrainWithStringKey
{
    Task<int> Echo(int value);
}

public sealed class EchoGrain : Grain, IEchoGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);
}

/// <summary>A plain object behind the same interface: the cost floor of the call.</summary>
public sealed class DirectEcho : IEchoGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);
}

/// <summary>Local grain call (proxy, mailbox, activation scheduler, timeout) versus a direct interface call.</summary>
[MemoryDiagnoser]
public class GrainCallBenchmarks
{
    private IHost? _host;
    private IEchoGrain _grain = null!;
    private IEchoGrain _direct = null!;

    [Params(false, true)]
    public bool ForceSerialization { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddActorRuntime(o => o.ForceSerialization = ForceSerialization)
            .AddGrainAssembly(typeof(GrainCallBenchmarks).Assembly)
            .AddMemoryGrainStorage();
        _host = builder.Build();
        _host.Start();
        _grain = _host.Services.GetRequiredService<IGrainFactory>().GetGrain<IEchoGrain>("bench");
        _direct = new DirectEcho();
        _grain.Echo(0).GetAwaiter().GetResult();
    }

    [GlobalCleanup]
    public void Cleanup()
    {
        _host?.StopAsync().GetAwaiter().GetResult();
        _host?.Dispose();
    }

    [Benchmark(Baseline = true)]
    public Task<int> DirectInterfaceCall() => _direct.Echo(42);

    [Benchmark]
    public Task<int> LocalGrainCall() => _grain.Echo(42);
}
