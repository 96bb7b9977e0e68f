namespace StriveNetwork.Actors;

/// <summary>Overrides the grain type name of a grain class (default: class name, lowercased, without a trailing "Grain").</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class GrainTypeAttribute(string name) : Attribute
{
    /// <summary>The grain type name.</summary>
    public string Name { get; } = name;
}

/// <summary>Lets any request of this grain class interleave with others at await points.</summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class ReentrantAttribute : Attribute;

/// <summary>Marks an interface method that interleaves with any other request.</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class AlwaysInterleaveAttribute : Attribute;

/// <summary>Marks a fire-and-forget method (Task or ValueTask, no result, no exception, no delivery signal).</summary>
[AttributeUsage(AttributeTargets.Method)]
public sealed class OneWayAttribute : Attribute;

/// <summary>Subscribes every grain of this class to the stream namespace; the stream key is the grain key.</summary>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class ImplicitStreamSubscriptionAttribute(string streamNamespace) : Attribute
{
    /// <summary>The stream namespace.</summary>
    public string StreamNamespace { get; } = streamNamespace;
}

/// <summary>Injects an <see cref="IPersistentState{T}"/> into a grain constructor parameter.</summary>
/// <param name="stateName">State name, unique per grain class.</param>
/// <param name="storageName">Registered storage name; the default storage when null.</param>
[AttributeUsage(AttributeTargets.Parameter)]
public sealed class PersistentStateAttribute(string stateName, string? storageName = null) : Attribute
{
    /// <summary>State name.</summary>
    public string StateName { get; } = stateName;

    /// <summary>Storage name, or null for the default storage.</summary>
    public string? StorageName { get; } = storageName;
}

/// <summary>Declares the schema version of a state type (default 1); older stored versions go through <see cref="IStateMigration{T}"/>.</summary>
[AttributeUsage(AttributeTargets.Class | AttributeTargets.Struct, Inherited = false)]
public sealed class StateSchemaAttribute(int version) : Attribute
{
    /// <summary>The current schema version.</summary>
    public int Version { get; } = version;
}

/// <summary>Emitted by the source generator: names the type whose module initializer registers this assembly's grains.</summary>
[AttributeUsage(AttributeTargets.Assembly, AllowMultiple = true)]
public sealed class GrainAssemblyAttribute(Type registrationType) : Attribute
{
    /// <summary>The generated registration type.</summary>
    public Type RegistrationType { get; } = registrationType;
}
