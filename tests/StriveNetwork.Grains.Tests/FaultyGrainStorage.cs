using Orleans.Storage;

namespace StriveNetwork.Grains.Tests;

/// <summary>The cluster's default storage: another storage, whose writes <see cref="StorageFaults"/> can refuse on demand.</summary>
public sealed class FaultyGrainStorage(IGrainStorage inner, StorageFaults faults) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ReadStateAsync(stateName, grainId, grainState);

    public async Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        await faults.BeforeWriteAsync(stateName).ConfigureAwait(false);
        faults.ThrowIfRefused(stateName, grainId);
        await inner.WriteStateAsync(stateName, grainId, grainState).ConfigureAwait(false);
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        inner.ClearStateAsync(stateName, grainId, grainState);
}
