using System.Reflection;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Streams;

namespace StriveNetwork.Actors;

/// <summary>Configures the actor runtime: grain assemblies and storage providers.</summary>
public sealed class ActorRuntimeBuilder(IServiceCollection services)
{
    /// <summary>The service collection.</summary>
    public IServiceCollection Services { get; } = services;

    /// <summary>Runs the generated registration of an assembly that declares grain classes or interfaces.</summary>
    public ActorRuntimeBuilder AddGrainAssembly(Assembly assembly)
    {
        GrainRegistry.EnsureRegistered(assembly);
        return this;
    }

    /// <summary>
    /// Registers a named storage provider. When it also implements <see cref="IStreamLog"/>, it is the stream log of
    /// the events committed with its state writes, and a pump per implicit subscription reads it.
    /// </summary>
    public ActorRuntimeBuilder AddGrainStorage(string name, Func<IServiceProvider, IGrainStorage> factory)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(factory);
        Services.AddKeyedSingleton(name, (sp, _) => factory(sp));
        Services.AddKeyedSingleton(name, (sp, key) => sp.GetRequiredKeyedService<IGrainStorage>(key) as IStreamLog
            ?? throw new InvalidOperationException($"Grain storage '{name}' has no stream log."));
        Services.AddSingleton(new GrainStorageRegistration(name));
        return this;
    }

    /// <summary>Registers the in-memory provider (tests; nothing survives the process).</summary>
    public ActorRuntimeBuilder AddMemoryGrainStorage(string name = "Default")
        => AddGrainStorage(name, sp => new MemoryGrainStorage("memory", sp.GetService<TimeProvider>()));
}

/// <summary>A registered storage provider name.</summary>
public sealed record GrainStorageRegistration(string Name);

/// <summary>Registration of the actor runtime in a host.</summary>
public static class ActorRuntimeServiceCollectionExtensions
{
    /// <summary>Adds the runtime: silo, grain factory, idle collector, reminders, stream pumps; options validated at start.</summary>
    public static ActorRuntimeBuilder AddActorRuntime(this IServiceCollection services, Action<ActorRuntimeOptions>? configure = null)
    {
        ArgumentNullException.ThrowIfNull(services);
        var optionsBuilder = services.AddOptions<ActorRuntimeOptions>();
        if (configure is not null)
        {
            optionsBuilder.Configure(configure);
        }

        optionsBuilder.ValidateOnStart();
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<ActorRuntimeOptions>, ActorRuntimeOptionsValidator>());
        services.AddMetrics();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ActorMetrics>();
        services.TryAddSingleton<StreamSignals>();
        services.TryAddSingleton<ActorSilo>();
        services.TryAddSingleton<IGrainFactory>(sp => sp.GetRequiredService<ActorSilo>().GrainFactory);

        // Stop order is the reverse of this order: pumps and collectors stop before the silo deactivates grains.
        services.AddHostedService<SiloLifecycle>();
        services.AddHostedService<IdleCollector>();
        services.AddHostedService<StreamPumpHost>();
        return new ActorRuntimeBuilder(services);
    }
}

/// <summary>Registration of the actor runtime on a generic host builder.</summary>
public static class ActorRuntimeHostBuilderExtensions
{
    /// <summary>Adds the runtime to the host's services; <paramref name="configureRuntime"/> adds grain assemblies and storage.</summary>
    public static IHostBuilder UseActorRuntime(
        this IHostBuilder hostBuilder,
        Action<ActorRuntimeOptions>? configureOptions = null,
        Action<ActorRuntimeBuilder>? configureRuntime = null)
    {
        ArgumentNullException.ThrowIfNull(hostBuilder);
        return hostBuilder.ConfigureServices(services =>
        {
            var runtime = services.AddActorRuntime(configureOptions);
            configureRuntime?.Invoke(runtime);
        });
    }
}

internal sealed class ActorRuntimeOptionsValidator : IValidateOptions<ActorRuntimeOptions>
{
    public ValidateOptionsResult Validate(string? name, ActorRuntimeOptions options)
    {
        var failures = options.Validate().ToList();
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures.Select(f => $"ActorRuntimeOptions.{f}"));
    }
}

/// <summary>Initializes storage and reminders at start; deactivates every grain at stop.</summary>
internal sealed class SiloLifecycle(ActorSilo silo, IServiceProvider services, IEnumerable<GrainStorageRegistration> storages) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var registration in storages)
        {
            await services.GetRequiredKeyedService<IGrainStorage>(registration.Name).InitializeAsync(cancellationToken).ConfigureAwait(false);
        }

        // Reminders live in the default storage; without it, registering a reminder fails with a clear error.
        if (storages.Any(s => s.Name == silo.Options.DefaultStorageName))
        {
            await silo.Reminders.StartAsync(cancellationToken).ConfigureAwait(false);
        }
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await silo.ShutdownAsync(cancellationToken).ConfigureAwait(false);
        silo.Reminders.Dispose();
    }
}

/// <summary>Deactivates idle activations every collection quantum, on the injected TimeProvider.</summary>
internal sealed class IdleCollector(ActorSilo silo, IOptions<ActorRuntimeOptions> options, TimeProvider timeProvider) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.CollectionQuantum, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                silo.CollectIdleActivations();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}

/// <summary>Runs one pump per (provider with a stream log, implicit subscription).</summary>
internal sealed class StreamPumpHost(ActorSilo silo, IServiceProvider services, IEnumerable<GrainStorageRegistration> storages, ILogger<StreamPumpHost> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var pumps = new List<Task>();
        foreach (var registration in storages)
        {
            if (services.GetRequiredKeyedService<IGrainStorage>(registration.Name) is not IStreamLog log)
            {
                continue;
            }

            foreach (var grainClass in GrainRegistry.GrainClasses)
            {
                foreach (var streamNamespace in grainClass.ImplicitStreamNamespaces)
                {
                    var pump = new StreamPump(silo, registration.Name, log, grainClass.GrainType, streamNamespace);
                    pumps.Add(RunPumpAsync(pump, stoppingToken));
                }
            }
        }

        return Task.WhenAll(pumps);
    }

    private async Task RunPumpAsync(StreamPump pump, CancellationToken stoppingToken)
    {
        await Task.Yield();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await pump.RunAsync(stoppingToken).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception)
            {
                logger.PumpFailed(pump.Subscription, exception);
                try
                {
                    await Task.Delay(silo.Options.StreamPollInterval, silo.TimeProvider, stoppingToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }
}
