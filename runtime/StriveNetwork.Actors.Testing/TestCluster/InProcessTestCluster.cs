using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Testing.TestCluster;

/// <summary>
/// Builds an <see cref="InProcessTestCluster"/>: silos in this process with a controllable clock, forced
/// serialization of every call, and a storage provider (memory unless another factory is given).
/// </summary>
public sealed class InProcessTestClusterBuilder
{
    private readonly List<Action<IServiceCollection>> _configureServices = [];
    private readonly List<Action<ActorRuntimeOptions>> _configureOptions = [];
    private readonly List<Assembly> _assemblies = [];
    private Func<IServiceProvider, IGrainStorage>? _storageFactory;

    /// <summary>Creates a builder for <paramref name="siloCount"/> silos.</summary>
    public InProcessTestClusterBuilder(int siloCount = 1)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(siloCount, 1);
        SiloCount = siloCount;
    }

    /// <summary>Number of silos.</summary>
    public int SiloCount { get; }

    /// <summary>The clock every silo uses; advance it to drive timers, reminders, idle collection and call timeouts.</summary>
    public ManualTimeProvider TimeProvider { get; } = new();

    /// <summary>Adds services to every silo (grain dependencies, call filters).</summary>
    public InProcessTestClusterBuilder ConfigureServices(Action<IServiceCollection> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureServices.Add(configure);
        return this;
    }

    /// <summary>Changes runtime options (ForceSerialization is on unless turned off here).</summary>
    public InProcessTestClusterBuilder ConfigureOptions(Action<ActorRuntimeOptions> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        _configureOptions.Add(configure);
        return this;
    }

    /// <summary>Uses another provider (SQLite, PostgreSQL) as the default storage and stream log.</summary>
    public InProcessTestClusterBuilder UseStorage(Func<IServiceProvider, IGrainStorage> factory)
    {
        _storageFactory = factory ?? throw new ArgumentNullException(nameof(factory));
        return this;
    }

    /// <summary>Registers an assembly with grain classes or interfaces.</summary>
    public InProcessTestClusterBuilder AddGrainAssembly(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        _assemblies.Add(assembly);
        return this;
    }

    /// <summary>Starts the silos.</summary>
    public async Task<InProcessTestCluster> BuildAndStartAsync(CancellationToken cancellationToken = default)
    {
        if (SiloCount != 1)
        {
            throw new NotSupportedException("Multi-silo clustering is not implemented yet; an in-process cluster has exactly one silo for now.");
        }

        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Services.AddLogging();
        builder.Services.AddSingleton<TimeProvider>(TimeProvider);
        var runtime = builder.Services.AddActorRuntime(options =>
        {
            options.ForceSerialization = true;
            foreach (var configure in _configureOptions)
            {
                configure(options);
            }
        });
        foreach (var assembly in _assemblies)
        {
            runtime.AddGrainAssembly(assembly);
        }

        var storageFactory = _storageFactory ?? (_ => new MemoryGrainStorage("memory", TimeProvider));
        runtime.AddGrainStorage("Default", storageFactory);
        foreach (var configure in _configureServices)
        {
            configure(builder.Services);
        }

        var host = builder.Build();
        await host.StartAsync(cancellationToken).ConfigureAwait(false);
        return new InProcessTestCluster([host], TimeProvider);
    }
}

/// <summary>Silos running in this process (Orleans' InProcessTestCluster).</summary>
public sealed class InProcessTestCluster : IAsyncDisposable
{
    private readonly List<IHost> _silos;
    private bool _stopped;

    internal InProcessTestCluster(List<IHost> silos, ManualTimeProvider timeProvider)
    {
        _silos = silos;
        TimeProvider = timeProvider;
    }

    /// <summary>The controllable clock.</summary>
    public ManualTimeProvider TimeProvider { get; }

    /// <summary>Services of the first silo.</summary>
    public IServiceProvider Services => _silos[0].Services;

    /// <summary>A client grain factory.</summary>
    public IGrainFactory Client => Services.GetRequiredService<IGrainFactory>();

    /// <summary>The first silo's runtime (activation table).</summary>
    public ActorSilo Silo => Services.GetRequiredService<ActorSilo>();

    /// <summary>The default storage provider.</summary>
    public IGrainStorage Storage => Services.GetRequiredKeyedService<IGrainStorage>("Default");

    /// <summary>The default stream log.</summary>
    public IStreamLog StreamLog => Services.GetRequiredKeyedService<IStreamLog>("Default");

    /// <summary>Stops every silo gracefully (grains deactivate and may write state).</summary>
    public async Task StopAsync(CancellationToken cancellationToken = default)
    {
        if (_stopped)
        {
            return;
        }

        _stopped = true;
        foreach (var silo in _silos)
        {
            await silo.StopAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        foreach (var silo in _silos)
        {
            silo.Dispose();
        }
    }
}
