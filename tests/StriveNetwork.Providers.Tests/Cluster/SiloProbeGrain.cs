using Orleans.Placement;

namespace StriveNetwork.Providers.Tests.Cluster;

/// <summary>A grain that tells which silo hosts it; placed at random, so a cluster's grains spread over its silos.</summary>
public interface ISiloProbeGrain : IGrainWithIntegerKey
{
    Task<string> GetSiloAsync();
}

[RandomPlacement]
public sealed class SiloProbeGrain(ILocalSiloDetails silo) : Grain, ISiloProbeGrain
{
    public Task<string> GetSiloAsync() => Task.FromResult(silo.SiloAddress.ToParsableString());
}
