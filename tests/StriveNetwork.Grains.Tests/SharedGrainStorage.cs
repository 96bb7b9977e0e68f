using Orleans.Serialization;
using Orleans.Storage;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Grain storage held by the test process and shared by every silo of a cluster, so a killed or restarted silo loses
/// nothing a write made durable (Orleans' memory storage keeps states in storage grains, which die with their silo).
/// States are stored serialized (Orleans serializer) with a version ETag, and writes check the ETag like a database.
/// </summary>
public sealed class SharedGrainStorage : IGrainStorage
{
    private readonly Lock _gate = new();
    private readonly Dictionary<(string StateName, GrainId GrainId), (byte[] Bytes, string ETag)> _records = [];
    private readonly Serializer _serializer = TestSerialization.Serializer;
    private long _version;

    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        (byte[] Bytes, string ETag) record;
        lock (_gate)
        {
            if (!_records.TryGetValue((stateName, grainId), out record))
            {
                grainState.ETag = null;
                grainState.RecordExists = false;
                return Task.CompletedTask;
            }
        }

        grainState.State = _serializer.Deserialize<T>(record.Bytes);
        grainState.ETag = record.ETag;
        grainState.RecordExists = true;
        return Task.CompletedTask;
    }

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        var bytes = _serializer.SerializeToArray(grainState.State);
        lock (_gate)
        {
            Check(stateName, grainId, grainState.ETag);
            var etag = (++_version).ToString(System.Globalization.CultureInfo.InvariantCulture);
            _records[(stateName, grainId)] = (bytes, etag);
            grainState.ETag = etag;
            grainState.RecordExists = true;
        }

        return Task.CompletedTask;
    }

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState)
    {
        ArgumentNullException.ThrowIfNull(grainState);
        lock (_gate)
        {
            Check(stateName, grainId, grainState.ETag);
            _records.Remove((stateName, grainId));
            grainState.ETag = null;
            grainState.RecordExists = false;
        }

        return Task.CompletedTask;
    }

    private void Check(string stateName, GrainId grainId, string? etag)
    {
        var stored = _records.TryGetValue((stateName, grainId), out var record) ? record.ETag : null;
        if (!string.Equals(stored, etag, StringComparison.Ordinal))
        {
            throw new InconsistentStateException($"ETag mismatch writing {stateName} of {grainId}", stored, etag);
        }
    }
}
