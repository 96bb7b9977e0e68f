namespace StriveNetwork.Actors;

/// <summary>A grain call got no response within the call timeout; its outcome is unknown.</summary>
public sealed class GrainCallTimeoutException(GrainId grainId, string interfaceName, string methodName, TimeSpan timeout)
    : TimeoutException($"Call to {interfaceName}.{methodName} on grain '{grainId}' timed out after {timeout}. The outcome is unknown; a call cycle between non-reentrant grains also ends here.")
{
    /// <summary>The target grain.</summary>
    public GrainId GrainId { get; } = grainId;

    /// <summary>The method called.</summary>
    public string MethodName { get; } = methodName;
}

/// <summary>An argument or result of a grain call could not be round-tripped through System.Text.Json.</summary>
public sealed class GrainSerializationException(string message, Exception inner) : Exception(message, inner);

/// <summary>The silo is stopping or stopped and accepts no new activations.</summary>
public sealed class SiloUnavailableException(string message) : Exception(message);
