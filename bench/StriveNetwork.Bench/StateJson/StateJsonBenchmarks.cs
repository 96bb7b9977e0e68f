using System.Reflection;
using System.Text.Json;
using BenchmarkDotNet.Attributes;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Storage;
using StriveNetwork.Providers;

namespace StriveNetwork.Bench.StateJson;

/// <summary>Which stored state a <see cref="StateJsonBenchmarks"/> case serializes.</summary>
public enum StoredState
{
    /// <summary>A partnership of the freshness benchmark: 16 indicator summaries and its last snapshot (7.9 KB).</summary>
    Partnership,

    /// <summary>An indicator of the freshness benchmark (0.9 KB).</summary>
    Indicator,

    /// <summary>A network shard of the freshness benchmark, its counts and outbox (8.1 KB).</summary>
    NetworkShard,
}

/// <summary>
/// One state write's serialization, through the stores' reflection-based default and through the grain states'
/// generated contracts, as the silo's store serializer writes (docs/adr/0023). The states are rows a freshness run stored (bench/freshness), read once.
/// </summary>
[MemoryDiagnoser]
public class StateJsonBenchmarks
{
    private static readonly JsonSerializerOptions Reflection = StateJsonSerializer.Default.WriteOptions;
    private static readonly JsonSerializerOptions Generated = StateJsonSerializer.WritingThrough(GrainStateJsonContext.Default).WriteOptions;
    private object _state = null!;
    private Type _type = null!;

    [Params(StoredState.Partnership, StoredState.Indicator, StoredState.NetworkShard)]
    public StoredState State { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        (_type, var file) = State switch
        {
            StoredState.Partnership => (typeof(PartnershipState), "freshness-partnership.json"),
            StoredState.Indicator => (typeof(IndicatorState), "freshness-indicator.json"),
            _ => (typeof(NetworkShardState), "freshness-network-shard.json"),
        };
        using var stream = Assembly.GetExecutingAssembly().GetManifestResourceStream($"StriveNetwork.Bench.StateJson.{file}")
            ?? throw new InvalidOperationException($"{file} is not embedded");
        _state = JsonSerializer.Deserialize(stream, _type, Reflection)!;
        if (!JsonSerializer.SerializeToUtf8Bytes(_state, _type, Reflection).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(_state, _type, Generated)))
        {
            throw new InvalidOperationException($"the two contracts write different JSON for {State}");
        }
    }

    [Benchmark(Baseline = true)]
    public byte[] ReflectionContract() => JsonSerializer.SerializeToUtf8Bytes(_state, _type, Reflection);

    [Benchmark]
    public byte[] GeneratedContract() => JsonSerializer.SerializeToUtf8Bytes(_state, _type, Generated);
}
