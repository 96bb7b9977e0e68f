using System.Collections.Concurrent;
using System.Diagnostics;
using System.Reflection;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Streams;

namespace StriveNetwork.Actors;

/// <summary>
/// The local silo: activation table (one activation per grain id), call dispatch with timeouts and forced
/// serialization, grain construction, idle collection and graceful shutdown.
/// </summary>
public sealed class ActorSilo : IGrainCallDispatcher
{
    private readonly ConcurrentDictionary<GrainId, GrainActivation> _activations = new();
    private readonly ConcurrentDictionary<Type, ConstructionPlan> _plans = new();
    private readonly IServiceProvider _services;
    private readonly ActorRuntimeOptions _options;
    private volatile bool _stopping;

    /// <summary>Created by DI.</summary>
    public ActorSilo(
        IServiceProvider services,
        IOptions<ActorRuntimeOptions> options,
        TimeProvider timeProvider,
        ActorMetrics metrics,
        StreamSignals streamSignals,
        ILogger<ActorSilo> logger,
        IEnumerable<IIncomingGrainCallFilter> callFilters)
    {
        ArgumentNullException.ThrowIfNull(options);
        _services = services;
        _options = options.Value;
        TimeProvider = timeProvider;
        Metrics = metrics;
        StreamSignals = streamSignals;
        Logger = logger;
        CallFilters = [.. callFilters];
        GrainFactory = new LocalGrainFactory(this);
        Reminders = new ReminderRegistry(this, services);
    }

    /// <summary>References created by this silo.</summary>
    public IGrainFactory GrainFactory { get; }

    /// <summary>Number of live activations.</summary>
    public int ActivationCount => _activations.Count;

    internal TimeProvider TimeProvider { get; }

    internal ActorMetrics Metrics { get; }

    internal StreamSignals StreamSignals { get; }

    internal ILogger Logger { get; }

    internal IReadOnlyList<IIncomingGrainCallFilter> CallFilters { get; }

    internal ReminderRegistry Reminders { get; }

    internal ActorRuntimeOptions Options => _options;

    /// <summary>Whether an activation of the grain is currently in the table.</summary>
    public bool IsActive(GrainId grainId) => _activations.ContainsKey(grainId);

    /// <inheritdoc />
    public async Task<object?> InvokeAsync(GrainId target, GrainInvocation invocation, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(invocation);
        if (_options.ForceSerialization)
        {
            invocation = (GrainInvocation)RoundTrip(invocation, invocation.GetType(), $"arguments of {invocation.InterfaceType.Name}.{invocation.MethodName}")!;
        }

        var started = Stopwatch.GetTimestamp();
        Metrics.Calls.Add(1, new KeyValuePair<string, object?>("method", invocation.MethodName));
        var request = new GrainRequest(invocation, cancellationToken);
        var dispatched = DispatchAsync(target, request);
        if (invocation.IsOneWay)
        {
            _ = ObserveOneWayAsync(target, request, dispatched);
            return null;
        }

        object? result;
        var response = AwaitResponseAsync(dispatched, request);
        try
        {
            result = await response.WaitAsync(_options.CallTimeout, TimeProvider, cancellationToken).ConfigureAwait(false);
        }
        catch (TimeoutException) when (!response.IsCompleted)
        {
            // Only the wait itself timed out; a TimeoutException thrown by the grain (or a nested call) passes through as is.
            Metrics.CallTimeouts.Add(1);
            Logger.CallTimedOut(invocation.MethodName, target, _options.CallTimeout);
            throw new GrainCallTimeoutException(target, invocation.InterfaceType.Name, invocation.MethodName, _options.CallTimeout);
        }
        finally
        {
            Metrics.CallDuration.Record(Stopwatch.GetElapsedTime(started).TotalMilliseconds, new KeyValuePair<string, object?>("method", invocation.MethodName));
        }

        return _options.ForceSerialization && invocation.ResultType is { } resultType
            ? RoundTrip(result, resultType, $"result of {invocation.InterfaceType.Name}.{invocation.MethodName}")
            : result;
    }

    /// <summary>Deactivates every activation that has been idle longer than the collection age; returns how many.</summary>
    public int CollectIdleActivations()
    {
        var now = TimeProvider.GetUtcNow();
        var count = 0;
        foreach (var activation in _activations.Values)
        {
            if (activation.IsIdleLongerThan(now, _options.IdleCollectionAge))
            {
                activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ActivationIdle, "idle"));
                count++;
            }
        }

        if (count > 0)
        {
            Logger.IdleCollected(count);
        }

        return count;
    }

    /// <summary>Stops accepting activations, lets in-flight and queued turns finish, and runs OnDeactivateAsync everywhere.</summary>
    public async Task ShutdownAsync(CancellationToken cancellationToken = default)
    {
        _stopping = true;
        var activations = _activations.Values.ToList();
        Logger.ShuttingDown(activations.Count);
        foreach (var activation in activations)
        {
            activation.RequestDeactivation(new DeactivationReason(DeactivationReasonCode.ShuttingDown, "silo shutdown"));
        }

        await Task.WhenAll(activations.Select(a => a.Completion)).WaitAsync(cancellationToken).ConfigureAwait(false);
    }

    internal async Task PublishAsync(GrainId producer, StreamEventDraft draft, CancellationToken cancellationToken)
    {
        var log = _services.GetRequiredKeyedService<IStreamLog>(_options.DefaultStorageName);
        await log.AppendAsync(producer.Type, producer.Key, [draft], cancellationToken).ConfigureAwait(false);
        StreamSignals.Notify(_options.DefaultStorageName);
    }

    internal void Redispatch(GrainActivation previous, WorkItem item) => _ = RedispatchAsync(previous, item);

    internal void OnDeactivated(GrainActivation activation)
    {
        if (_activations.TryRemove(new KeyValuePair<GrainId, GrainActivation>(activation.GrainId, activation)))
        {
            Metrics.Activations.Add(-1, new KeyValuePair<string, object?>("grain_type", activation.GrainId.Type));
        }
    }

    internal object CreateGrainInstance(GrainActivation activation)
    {
        var plan = _plans.GetOrAdd(activation.GrainClass.ClassType, ConstructionPlan.Create);
        var arguments = new object?[plan.Parameters.Length];
        for (var i = 0; i < arguments.Length; i++)
        {
            var parameter = plan.Parameters[i];
            if (parameter.GetCustomAttribute<PersistentStateAttribute>() is { } stateAttribute)
            {
                var binding = CreateState(activation, parameter.ParameterType, stateAttribute);
                activation.States.Add(binding);
                arguments[i] = binding;
            }
            else
            {
                arguments[i] = ActivatorUtilities.GetServiceOrCreateInstance(_services, parameter.ParameterType);
            }
        }

        Grain.Constructing = activation;
        try
        {
            return plan.Constructor.Invoke(arguments);
        }
        catch (TargetInvocationException exception) when (exception.InnerException is not null)
        {
            throw exception.InnerException;
        }
        finally
        {
            Grain.Constructing = null;
        }
    }

    private IStateBinding CreateState(GrainActivation activation, Type parameterType, PersistentStateAttribute attribute)
    {
        if (!parameterType.IsGenericType || parameterType.GetGenericTypeDefinition() != typeof(IPersistentState<>))
        {
            throw new InvalidOperationException($"[PersistentState] on {activation.GrainClass.ClassType.Name} must decorate an IPersistentState<T> parameter, not {parameterType}.");
        }

        var stateType = parameterType.GetGenericArguments()[0];
        var storageName = attribute.StorageName ?? _options.DefaultStorageName;
        var storage = _services.GetKeyedService<IGrainStorage>(storageName)
            ?? throw new InvalidOperationException($"No grain storage named '{storageName}' is registered (state '{attribute.StateName}' of {activation.GrainClass.ClassType.Name}).");
        var migration = _services.GetService(typeof(IStateMigration<>).MakeGenericType(stateType));
        var key = new GrainStateKey(activation.GrainId.Type, activation.GrainId.Key, attribute.StateName);
        return (IStateBinding)Activator.CreateInstance(
            typeof(PersistentState<>).MakeGenericType(stateType),
            activation,
            storageName,
            storage,
            key,
            migration)!;
    }

    private async Task DispatchAsync(GrainId target, WorkItem item)
    {
        while (true)
        {
            var activation = GetOrCreateActivation(target);
            if (activation.TryEnqueue(item))
            {
                return;
            }

            await activation.Completion.ConfigureAwait(false);
        }
    }

    private async Task RedispatchAsync(GrainActivation previous, WorkItem item)
    {
        try
        {
            await previous.Completion.ConfigureAwait(false);
            await DispatchAsync(previous.GrainId, item).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            item.Reject(exception);
        }
    }

    private static async Task<object?> AwaitResponseAsync(Task dispatched, GrainRequest request)
    {
        await dispatched.ConfigureAwait(false);
        return await request.Response.Task.ConfigureAwait(false);
    }

    private async Task ObserveOneWayAsync(GrainId target, GrainRequest request, Task dispatched)
    {
        try
        {
            await dispatched.ConfigureAwait(false);
            await request.Response.Task.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Logger.OneWayCallFailed(request.Invocation.MethodName, target, exception);
        }
    }

    private GrainActivation GetOrCreateActivation(GrainId target)
    {
        while (true)
        {
            if (_activations.TryGetValue(target, out var existing))
            {
                return existing;
            }

            if (_stopping)
            {
                throw new SiloUnavailableException($"The silo is shutting down; grain {target} cannot be activated.");
            }

            if (!GrainRegistry.TryGetGrainClass(target.Type, out var grainClass))
            {
                throw new InvalidOperationException($"Unknown grain type '{target.Type}' (grain {target}).");
            }

            var activation = new GrainActivation(this, target, grainClass);
            if (_activations.TryAdd(target, activation))
            {
                Metrics.Activations.Add(1, new KeyValuePair<string, object?>("grain_type", target.Type));
                activation.Start();
                return activation;
            }
        }
    }

    private static object? RoundTrip(object? value, Type type, string what)
    {
        try
        {
            var bytes = JsonSerializer.SerializeToUtf8Bytes(value, type, ActorJson.Options);
            return JsonSerializer.Deserialize(bytes, type, ActorJson.Options);
        }
        catch (Exception exception) when (exception is JsonException or NotSupportedException or InvalidOperationException or ArgumentException)
        {
            throw new GrainSerializationException($"The {what} cannot be round-tripped through System.Text.Json: {exception.Message}", exception);
        }
    }

    private sealed record ConstructionPlan(ConstructorInfo Constructor, ParameterInfo[] Parameters)
    {
        public static ConstructionPlan Create(Type type)
        {
            var constructor = type.GetConstructors().OrderByDescending(c => c.GetParameters().Length).FirstOrDefault()
                ?? throw new InvalidOperationException($"Grain class {type} has no public constructor.");
            return new ConstructionPlan(constructor, constructor.GetParameters());
        }
    }

    private sealed class LocalGrainFactory(ActorSilo silo) : IGrainFactory
    {
        public TGrainInterface GetGrain<TGrainInterface>(string key)
            where TGrainInterface : IGrainWithStringKey
        {
            ArgumentNullException.ThrowIfNull(key);
            var grainClass = GrainRegistry.ResolveClass(typeof(TGrainInterface));
            var info = GrainRegistry.GetInterface(typeof(TGrainInterface));
            return (TGrainInterface)info.ProxyFactory(new GrainId(grainClass.GrainType, key), silo);
        }
    }
}
