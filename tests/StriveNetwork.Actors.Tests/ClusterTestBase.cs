using Microsoft.Extensions.DependencyInjection;
using StriveNetwork.Actors.Testing.TestCluster;

namespace StriveNetwork.Actors.Tests;

/// <summary>A fresh one-silo cluster per test, with a probe the test grains record into.</summary>
public abstract class ClusterTestBase : IAsyncLifetime
{
    private InProcessTestCluster? _cluster;

    protected TestProbe Probe { get; } = new();

    protected InProcessTestCluster Cluster => _cluster ?? throw new InvalidOperationException("Cluster not started.");

    protected IGrainFactory Client => Cluster.Client;

    protected ManualTimeProvider Clock => Cluster.TimeProvider;

    public async Task InitializeAsync()
    {
        var builder = new InProcessTestClusterBuilder()
            .AddGrainAssembly(typeof(ClusterTestBase).Assembly)
            .ConfigureOptions(o => o.StreamRetryInitialBackoff = TimeSpan.Zero)
            .ConfigureServices(s => s.AddSingleton(Probe));
        Configure(builder);
        _cluster = await builder.BuildAndStartAsync();
    }

    public async Task DisposeAsync()
    {
        if (_cluster is not null)
        {
            await _cluster.DisposeAsync();
        }
    }

    protected virtual void Configure(InProcessTestClusterBuilder builder)
    {
    }
}
