using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Serialization;

namespace StriveNetwork.Bench;

/// <summary>What a benchmarked call carries.</summary>
public enum CallArgument
{
    /// <summary>An int: the cost of the call path itself.</summary>
    None,

    /// <summary>A ~14 KB progress-like message whose type is <c>[Immutable]</c>: passed by reference in-process.</summary>
    ImmutableMessage,

    /// <summary>The same content in a type that is not <c>[Immutable]</c>: Orleans deep-copies it on every local call.</summary>
    CopiedMessage,
}

/// <summary>The bench grain's interface; a plain object implements it too, for the direct-call floor.</summary>
[Alias("bench.ICallBenchGrain")]
public interface ICallBenchGrain : IGrainWithStringKey
{
    [Alias("Echo")]
    Task<int> Echo(int value);

    [Alias("TakeImmutable")]
    Task<int> TakeImmutable(ImmutableProgressMessage message);

    [Alias("TakeCopied")]
    Task<int> TakeCopied(ProgressMessage message);
}

/// <summary>One benchmark line, shaped like a GetProgress benchmark entry (id, text, status, latest assessment).</summary>
[GenerateSerializer, Alias("bench.BenchmarkLine")]
public sealed record BenchmarkLine(string BenchmarkId, string Text, int Status, string Assessor, string EvidenceNote, DateOnly AssessedOn, bool CarriedOver);

/// <summary>A pillar of a gateway with its benchmark lines.</summary>
[GenerateSerializer, Alias("bench.PillarLines")]
public sealed record PillarLines(string PillarId, int MetCount, int TotalCount, IReadOnlyList<BenchmarkLine> Benchmarks);

/// <summary>A gateway with its pillars.</summary>
[GenerateSerializer, Alias("bench.GatewayLines")]
public sealed record GatewayLines(int Gateway, bool Complete, int MetCount, int TotalCount, IReadOnlyList<PillarLines> Pillars);

/// <summary>
/// A progress-like message whose type is not <c>[Immutable]</c>: every local call deep-copies the whole graph
/// (records and lists; strings are shared), which is what a grain message type without the attribute costs.
/// </summary>
[GenerateSerializer, Alias("bench.ProgressMessage")]
public sealed record ProgressMessage(string PartnershipId, string FrameworkId, int Gateway, IReadOnlyList<GatewayLines> Gateways);

/// <summary>The same content behind an <c>[Immutable]</c> type, as every message of the grain abstractions is declared.</summary>
[GenerateSerializer, Immutable, Alias("bench.ImmutableProgressMessage")]
public sealed record ImmutableProgressMessage(string PartnershipId, string FrameworkId, int Gateway, IReadOnlyList<GatewayLines> Gateways);

/// <summary>The bench grain: returns a number derived from its argument, so the call cannot be skipped.</summary>
public sealed class CallBenchGrain : Grain, ICallBenchGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<int> TakeImmutable(ImmutableProgressMessage message) => Task.FromResult(message.Gateways.Count);

    public Task<int> TakeCopied(ProgressMessage message) => Task.FromResult(message.Gateways.Count);
}

/// <summary>A plain object behind the same interface: the cost floor of the call.</summary>
public sealed class DirectCallTarget : ICallBenchGrain
{
    public Task<int> Echo(int value) => Task.FromResult(value);

    public Task<int> TakeImmutable(ImmutableProgressMessage message) => Task.FromResult(message.Gateways.Count);

    public Task<int> TakeCopied(ProgressMessage message) => Task.FromResult(message.Gateways.Count);
}

/// <summary>
/// An Orleans grain call from the co-hosted client (the silo's own <see cref="IGrainFactory"/>, as the gRPC front door
/// calls grains) against a direct interface call on a plain object, with an int, an <c>[Immutable]</c> ~14 KB message
/// and the same message in a type Orleans must deep-copy.
/// </summary>
[MemoryDiagnoser]
[GcServer(true)] // as the silo runs (the Web SDK turns server GC on)
public class GrainCallBenchmarks // not sealed: BenchmarkDotNet derives its runner from it
{
    private BenchSilo? _silo;
    private ICallBenchGrain _grain = null!;
    private ICallBenchGrain _direct = null!;
    private ProgressMessage _copied = null!;
    private ImmutableProgressMessage _immutable = null!;

    [Params(CallArgument.None, CallArgument.ImmutableMessage, CallArgument.CopiedMessage)]
    public CallArgument Argument { get; set; }

    [GlobalSetup]
    public void Setup()
    {
        // Memory storage as a silo has storage; the bench grain keeps no state.
        _silo = BenchSilo.Start(silo => silo.AddMemoryGrainStorageAsDefault());
        _grain = _silo.Grains.GetGrain<ICallBenchGrain>("bench");
        _direct = new DirectCallTarget();
        var gateways = Gateways();
        _copied = new ProgressMessage("p-00042", "toa-6g", 3, gateways);
        _immutable = new ImmutableProgressMessage("p-00042", "toa-6g", 3, gateways);
        CheckCopySemantics();
        _grain.Echo(0).GetAwaiter().GetResult(); // activate outside the measurement
    }

    [GlobalCleanup]
    public void Cleanup() => _silo?.Dispose();

    [Benchmark(Baseline = true)]
    public Task<int> DirectInterfaceCall() => Call(_direct);

    [Benchmark]
    public Task<int> GrainCall() => Call(_grain);

    private Task<int> Call(ICallBenchGrain target) => Argument switch
    {
        CallArgument.ImmutableMessage => target.TakeImmutable(_immutable),
        CallArgument.CopiedMessage => target.TakeCopied(_copied),
        _ => target.Echo(42),
    };

    /// <summary>
    /// Fails the run unless the two message types behave as the parameter names say (one shared, one deep-copied),
    /// and prints the message's serialized size, so the result states what "~14 KB" was.
    /// </summary>
    private void CheckCopySemantics()
    {
        var services = _silo!.Services;
        var copier = services.GetRequiredService<DeepCopier>();
        var copy = copier.Copy(_copied);
        if (ReferenceEquals(copy, _copied) || ReferenceEquals(copy.Gateways[0].Pillars[0].Benchmarks[0], _copied.Gateways[0].Pillars[0].Benchmarks[0]))
        {
            throw new InvalidOperationException("ProgressMessage was not deep-copied; the CopiedMessage case would measure nothing.");
        }

        if (!ReferenceEquals(copier.Copy(_immutable), _immutable))
        {
            throw new InvalidOperationException("ImmutableProgressMessage was copied although its type is [Immutable].");
        }

        var bytes = services.GetRequiredService<Serializer>().SerializeToArray(_copied).Length;
        var lines = _copied.Gateways.Sum(g => g.Pillars.Sum(p => p.Benchmarks.Count));
        Console.WriteLine($"// Message: {lines} benchmark lines, {bytes:N0} bytes in Orleans' binary serialization.");
    }

    /// <summary>6 gateways × 4 pillars × 4 benchmarks, texts and notes of the lengths the real framework has.</summary>
    private static IReadOnlyList<GatewayLines> Gateways() =>
    [
        .. Enumerable.Range(1, 6).Select(g => new GatewayLines(g, g < 3, 10, 16,
        [
            .. Enumerable.Range(1, 4).Select(p => new PillarLines($"pillar-{p}", 2, 4,
            [
                .. Enumerable.Range(1, 4).Select(b => new BenchmarkLine(
                    $"6G-{g}{p}-SCV-{b}",
                    $"Gateway {g}, pillar {p}, benchmark {b}: the partnership has a shared community vision with cross-sector leadership.",
                    b % 3,
                    "StriveTogether review",
                    "minutes of the leadership table",
                    new DateOnly(2024, 1 + b, 10 + p),
                    b == 4)),
            ])),
        ])),
    ];
}
