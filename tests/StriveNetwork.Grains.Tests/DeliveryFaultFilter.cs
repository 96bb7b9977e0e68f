namespace StriveNetwork.Grains.Tests;

/// <summary>An incoming call filter on every silo that rejects the calls <see cref="DeliveryFaults"/> names.</summary>
public sealed class DeliveryFaultFilter(DeliveryFaults faults) : IIncomingGrainCallFilter
{
    public async Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        faults.BeforeCall(context.MethodName);
        await context.Invoke();
        faults.AfterCall(context.MethodName);
    }
}
