using System.Collections.Concurrent;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text.Json.Serialization;

namespace StriveNetwork.Actors;

/// <summary>
/// One call's arguments, as an immutable record generated per grain method. It must round-trip through
/// System.Text.Json so the cluster can ship it between silos without changing grain code.
/// </summary>
public abstract record GrainInvocation
{
    /// <summary>The grain interface whose invoker dispatches this invocation.</summary>
    [JsonIgnore]
    public abstract Type InterfaceType { get; }

    /// <summary>Method id within <see cref="InterfaceType"/> (the invoker's switch label).</summary>
    [JsonIgnore]
    public abstract int MethodId { get; }

    /// <summary>Method name, for filters, logs and errors.</summary>
    [JsonIgnore]
    public abstract string MethodName { get; }

    /// <summary>Result type, or null for Task/ValueTask.</summary>
    [JsonIgnore]
    public virtual Type? ResultType => null;

    /// <summary>Fire-and-forget method.</summary>
    [JsonIgnore]
    public virtual bool IsOneWay => false;

    /// <summary>Method marked <see cref="AlwaysInterleaveAttribute"/>.</summary>
    [JsonIgnore]
    public virtual bool AlwaysInterleave => false;

    /// <summary>The arguments in declaration order, without the cancellation token.</summary>
    public abstract IReadOnlyList<object?> GetArguments();
}

/// <summary>Dispatches an invocation to a grain instance by method id; generated per grain interface.</summary>
public interface IGrainInvoker
{
    /// <summary>Calls the method and returns its boxed result (null for Task/ValueTask).</summary>
    ValueTask<object?> InvokeAsync(object grain, GrainInvocation invocation, CancellationToken cancellationToken);
}

/// <summary>Sends invocations to grains; implemented by the runtime, used by generated proxies.</summary>
public interface IGrainCallDispatcher
{
    /// <summary>Sends a call and returns the boxed result.</summary>
    Task<object?> InvokeAsync(GrainId target, GrainInvocation invocation, CancellationToken cancellationToken = default);
}

/// <summary>Base of generated proxies: a typed reference to one grain.</summary>
public abstract class GrainReference(GrainId grainId, IGrainCallDispatcher dispatcher)
{
    /// <summary>The referenced grain.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <summary>Sends a call without a result.</summary>
    protected Task InvokeAsync(GrainInvocation invocation, CancellationToken cancellationToken)
        => dispatcher.InvokeAsync(GrainId, invocation, cancellationToken);

    /// <summary>Sends a call with a result.</summary>
    protected async Task<T> InvokeAsync<T>(GrainInvocation invocation, CancellationToken cancellationToken)
    {
        var result = await dispatcher.InvokeAsync(GrainId, invocation, cancellationToken).ConfigureAwait(false);
        return result is null ? default! : (T)result;
    }

    /// <inheritdoc />
    public override string ToString() => GrainId.ToString();
}

/// <summary>A grain interface known to the runtime: its proxy factory and invoker.</summary>
public sealed record GrainInterfaceInfo(Type InterfaceType, Func<GrainId, IGrainCallDispatcher, object> ProxyFactory, IGrainInvoker Invoker);

/// <summary>A grain class known to the runtime.</summary>
/// <param name="GrainType">Grain type name.</param>
/// <param name="ClassType">The class.</param>
/// <param name="Interfaces">Grain interfaces it implements.</param>
/// <param name="IsReentrant">Marked <see cref="ReentrantAttribute"/>.</param>
/// <param name="ImplicitStreamNamespaces">Namespaces of <see cref="ImplicitStreamSubscriptionAttribute"/>.</param>
public sealed record GrainClassInfo(
    string GrainType,
    Type ClassType,
    IReadOnlyList<Type> Interfaces,
    bool IsReentrant,
    IReadOnlyList<string> ImplicitStreamNamespaces);

/// <summary>
/// Process-wide table of generated proxies, invokers and grain classes. Generated module initializers fill it;
/// the runtime never scans assemblies by reflection.
/// </summary>
public static class GrainRegistry
{
    private static readonly ConcurrentDictionary<Type, GrainInterfaceInfo> Interfaces = new();
    private static readonly ConcurrentDictionary<Type, GrainClassInfo> ClassesByType = new();
    private static readonly ConcurrentDictionary<string, GrainClassInfo> ClassesByName = new(StringComparer.Ordinal);
    private static readonly ConcurrentDictionary<Type, GrainClassInfo> ClassesByInterface = new();

    static GrainRegistry()
    {
        RegisterInterface(new GrainInterfaceInfo(typeof(IRemindable), static (_, _) => throw new NotSupportedException("Reminders are delivered by the runtime."), new SystemInvokers.ReminderInvoker()));
        RegisterInterface(new GrainInterfaceInfo(typeof(Streams.IStreamSubscriber), static (_, _) => throw new NotSupportedException("Stream events are delivered by the runtime."), new SystemInvokers.StreamInvoker()));
    }

    /// <summary>Registers a grain interface (called by generated code).</summary>
    public static void RegisterInterface(GrainInterfaceInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        Interfaces[info.InterfaceType] = info;
    }

    /// <summary>Registers a grain class (called by generated code).</summary>
    public static void RegisterGrainClass(GrainClassInfo info)
    {
        ArgumentNullException.ThrowIfNull(info);
        if (ClassesByName.TryGetValue(info.GrainType, out var existing) && existing.ClassType != info.ClassType)
        {
            throw new InvalidOperationException($"Grain type '{info.GrainType}' is declared by both {existing.ClassType} and {info.ClassType}.");
        }

        ClassesByName[info.GrainType] = info;
        ClassesByType[info.ClassType] = info;
        ClassesByInterface.Clear();
    }

    /// <summary>Runs the generated registration of an assembly (its module initializer); cheap when already run.</summary>
    public static void EnsureRegistered(Assembly assembly)
    {
        ArgumentNullException.ThrowIfNull(assembly);
        RuntimeHelpers.RunModuleConstructor(assembly.ManifestModule.ModuleHandle);
    }

    /// <summary>All registered grain classes.</summary>
    public static IReadOnlyCollection<GrainClassInfo> GrainClasses => [.. ClassesByType.Values];

    /// <summary>Finds a grain class by type name.</summary>
    public static bool TryGetGrainClass(string grainType, out GrainClassInfo info)
        => ClassesByName.TryGetValue(grainType, out info!);

    /// <summary>Finds the invoker of a grain interface.</summary>
    public static GrainInterfaceInfo GetInterface(Type interfaceType)
    {
        ArgumentNullException.ThrowIfNull(interfaceType);
        if (Interfaces.TryGetValue(interfaceType, out var info))
        {
            return info;
        }

        EnsureRegistered(interfaceType.Assembly);
        return Interfaces.TryGetValue(interfaceType, out info)
            ? info
            : throw new InvalidOperationException($"No generated proxy for {interfaceType}. Reference StriveNetwork.Actors.Generators as an analyzer in the project that declares it.");
    }

    /// <summary>Finds the single grain class implementing an interface.</summary>
    public static GrainClassInfo ResolveClass(Type interfaceType)
    {
        ArgumentNullException.ThrowIfNull(interfaceType);
        if (ClassesByInterface.TryGetValue(interfaceType, out var cached))
        {
            return cached;
        }

        EnsureRegistered(interfaceType.Assembly);
        var matches = ClassesByType.Values.Where(c => c.Interfaces.Contains(interfaceType)).ToList();
        return matches.Count switch
        {
            1 => ClassesByInterface[interfaceType] = matches[0],
            0 => throw new InvalidOperationException($"No grain class implements {interfaceType}. Register the grain assembly (AddGrainAssembly) so its generated registration runs."),
            _ => throw new InvalidOperationException($"Several grain classes implement {interfaceType}: {string.Join(", ", matches.Select(m => m.ClassType.Name))}."),
        };
    }
}
