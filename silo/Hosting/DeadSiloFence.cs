namespace StriveNetwork.Silo.Hosting;

/// <summary>
/// Refuses grain calls sent by a silo the cluster has declared dead. A partitioned silo keeps its connections and its
/// queued calls; when the partition heals, TCP delivers them before that silo reads the membership table and stops.
/// Each call carries its sending silo (stamped by the outgoing side of this filter), and the receiving silo drops it
/// when its membership view says the sender is dead, so nothing a dead silo sent is applied afterwards (ADR 0013).
/// </summary>
internal sealed class DeadSiloFence(ILocalSiloDetails localSilo, IClusterMembershipService membership) : IOutgoingGrainCallFilter, IIncomingGrainCallFilter
{
    /// <summary>The request context key of the sending silo.</summary>
    public const string SenderKey = "strive.sender";

    public Task Invoke(IOutgoingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);

        // Every hop stamps itself: the receiver judges the silo that sent this very call.
        RequestContext.Set(SenderKey, localSilo.SiloAddress);
        return context.Invoke();
    }

    public Task Invoke(IIncomingGrainCallContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (RequestContext.Get(SenderKey) is SiloAddress sender
            && !sender.Equals(localSilo.SiloAddress)
            && membership.CurrentSnapshot.GetSiloStatus(sender) == SiloStatus.Dead)
        {
            throw new SiloUnavailableException($"the call came from silo {sender}, which the cluster has declared dead");
        }

        return context.Invoke();
    }
}
