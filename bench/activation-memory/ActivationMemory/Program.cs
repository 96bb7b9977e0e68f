using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Orleans.Configuration;
using Orleans.Providers;
using Orleans.Storage;
using StriveNetwork.Bench;
using StriveNetwork.Bench.ActivationMemory;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Providers.Sqlite;

// Memory per idle partnership activation beyond its state (bench/activation-memory/run.sh calls this). Seeds N + W
// partnerships in a SQLite file, then per round starts a fresh silo on that file (no activation left), activates the W
// warm-up partnerships (JIT, shards, caches), and reads the live heap before and after activating the N others with
// GetAsync (no view computed), after one GetProgress each, and after also holding the N states as the storage
// provider deserializes them. Prints the markdown table on stdout; exit 1 on a failed check.
//   --output FILE --partnerships N (10000) --warmup W (500) --rounds R (3) [--dump-signal DIR: pause for dotnet-gcdump in round 1]
var options = args.Chunk(2).ToDictionary(p => p[0].TrimStart('-'), p => p.Length > 1 ? p[1] : string.Empty, StringComparer.Ordinal);
int Option(string name, int fallback, int max) =>
    options.TryGetValue(name, out var text) ? Math.Clamp(int.Parse(text, CultureInfo.InvariantCulture), 1, max) : fallback;
var n = Option("partnerships", 10_000, 100_000);
var warmup = Option("warmup", 500, 10_000);
var rounds = Option("rounds", 3, 21);
var dumpSignal = options.GetValueOrDefault("dump-signal");
// The table goes to --output (the silo host logs warnings on the console, so stdout cannot carry it).
var output = new StringWriter(CultureInfo.InvariantCulture);
using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};

var folder = Directory.CreateTempSubdirectory("strive-activation-memory.").FullName;
var path = Path.Combine(folder, "strive.db");
BenchSilo Start() => BenchSilo.Start(silo =>
{
    silo.AddSqliteGrainStorageAsDefault(o => o.FilePath = path);
    silo.UseSqliteReminderService(o => o.FilePath = path);
    silo.Services.AddStriveGrains();
    // Seeding 10,000 partnerships on 2 shared cores can keep one call waiting longer than the 30 s default.
    silo.Configure<SiloMessagingOptions>(o => o.ResponseTimeout = TimeSpan.FromMinutes(5));
});

async Task<Dictionary<string, int>> ActivationCounts(IGrainFactory grains)
{
    var statistics = await grains.GetGrain<IManagementGrain>(0).GetSimpleGrainStatistics();
    return statistics.GroupBy(s => s.GrainType).ToDictionary(g => g.Key, g => g.Sum(s => s.ActivationCount), StringComparer.Ordinal);
}

static string Describe(Dictionary<string, int> counts) =>
    string.Join(", ", counts.OrderByDescending(c => c.Value).Take(6).Select(c => $"{c.Key.Split('.')[^1].Split(',')[0]} {c.Value}"));

Func<string, IPartnershipGrain>? grainsOf = null;
async Task ForAll(int from, int count, Func<IPartnershipGrain, Task> call)
{
    foreach (var chunk in Enumerable.Range(from, count).Chunk(256))
    {
        cancel.Token.ThrowIfCancellationRequested();
        await Task.WhenAll(chunk.Select(i => call(grainsOf!(SeededNetwork.Id(i)))));
    }
}

void PauseForDump(string name)
{
    if (string.IsNullOrEmpty(dumpSignal))
    {
        return;
    }

    File.WriteAllText(Path.Combine(dumpSignal, name + ".ready"), Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
    var done = Path.Combine(dumpSignal, name + ".done");
    var watch = Stopwatch.StartNew();
    while (!File.Exists(done) && watch.Elapsed < TimeSpan.FromMinutes(5))
    {
        Thread.Sleep(200);
    }
}

var exit = 0;
try
{
    var seed = Stopwatch.StartNew();
    using (var silo = Start())
    {
        await SeededNetwork.RegisterAsync(silo.Grains, 0, n + warmup, cancel.Token);
    }

    Console.Error.WriteLine($"activation-memory: registered {n + warmup} partnerships in {seed.Elapsed.TotalSeconds:0.0} s");
    var results = new List<RoundResult>();
    for (var round = 1; round <= rounds; round++)
    {
        using var silo = Start();
        var grains = silo.Grains;
        grainsOf = id => grains.GetGrain<IPartnershipGrain>(id);
        // Warm-up: the first activations of each kind pay for JIT, type caches, the shards and the network grain.
        await ForAll(n, warmup, g => g.GetAsync());
        await ForAll(n, warmup, g => g.GetProgressAsync());
        var before = await ActivationCounts(grains);
        var baseline = ManagedHeap.LiveBytes();
        PauseForDump($"round{round}-baseline");

        await ForAll(0, n, g => g.GetAsync());
        var activatedHeap = ManagedHeap.LiveBytes();
        var after = await ActivationCounts(grains);
        PauseForDump($"round{round}-activated");
        var activated = after.Where(a => a.Key.Contains("PartnershipGrain", StringComparison.Ordinal)).Sum(a => a.Value)
            - before.Where(a => a.Key.Contains("PartnershipGrain", StringComparison.Ordinal)).Sum(a => a.Value);
        if (activated != n)
        {
            Console.Error.WriteLine($"activation-memory: round {round}: {activated} new partnership activations, expected {n} (before: {Describe(before)}; after: {Describe(after)})");
            exit = 1;
        }

        var others = after.Where(a => !a.Key.Contains("PartnershipGrain", StringComparison.Ordinal)).Sum(a => a.Value)
            - before.Where(a => !a.Key.Contains("PartnershipGrain", StringComparison.Ordinal)).Sum(a => a.Value);
        await ForAll(0, n, g => g.GetProgressAsync());
        var progressHeap = ManagedHeap.LiveBytes();

        // The N states as the storage provider deserializes them, held while the activations stay alive.
        var storage = silo.Services.GetRequiredKeyedService<IGrainStorage>(ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME);
        var states = new PartnershipState[n];
        foreach (var chunk in Enumerable.Range(0, n).Chunk(256))
        {
            await Task.WhenAll(chunk.Select(async i =>
            {
                var read = new GrainState<PartnershipState>();
                await storage.ReadStateAsync("partnership", GrainId.Create("partnership", SeededNetwork.Id(i)), read);
                states[i] = read.State?.Profile is null ? throw new InvalidOperationException($"no stored state for {SeededNetwork.Id(i)}") : read.State;
            }));
        }

        var statesHeap = ManagedHeap.LiveBytes();
        GC.KeepAlive(states);
        var result = new RoundResult(
            round,
            n,
            (activatedHeap - baseline) / (double)n,
            (statesHeap - progressHeap) / (double)n,
            (progressHeap - baseline) / (double)n,
            baseline);
        results.Add(result);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"activation-memory: round {round}/{rounds}: +{result.ActivatedPer:0} B per activation, state {result.StatePer:0} B, beyond state {result.BeyondStatePer:0} B (after GetProgress {result.BeyondStateAfterProgressPer:0} B); other new activations {others}; after: {Describe(after)}"));
        grainsOf = null;
    }

    double Median(Func<RoundResult, double> figure)
    {
        var values = results.Select(figure).Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    string Spread(Func<RoundResult, double> figure) =>
        string.Create(CultureInfo.InvariantCulture, $"{results.Min(figure):0}–{results.Max(figure):0} B");

    var beyond = Median(r => r.BeyondStatePer);
    output.WriteLine($"- Partnerships: {n} measured + {warmup} warm-up, each registered with a profile and {4} assessments; every round restarts the silo on the same SQLite file, so no activation is left from the previous one");
    output.WriteLine();
    output.WriteLine("| Round | Activations | Baseline heap MiB | Heap per activation B | State per partnership B | Beyond state B | Heap per activation after GetProgress B | Beyond state after GetProgress B |");
    output.WriteLine("|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var result in results)
    {
        output.WriteLine(result.Row());
    }

    output.WriteLine();
    output.WriteLine("| Figure | Median | Spread (min–max) | Target |");
    output.WriteLine("|---|---:|---:|---:|");
    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Memory per idle partnership activation beyond its state | **{beyond:0} B ({beyond / 1024:0.00} KiB)** | {Spread(r => r.BeyondStatePer)} | ≤ 4 KiB ({(beyond <= 4096 ? "met" : "missed")}) |"));
    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| The same after one GetProgress per activation | {Median(r => r.BeyondStateAfterProgressPer):0} B ({Median(r => r.BeyondStateAfterProgressPer) / 1024:0.00} KiB) | {Spread(r => r.BeyondStateAfterProgressPer)} | — |"));
    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| State per partnership (deserialized) | {Median(r => r.StatePer):0} B | {Spread(r => r.StatePer)} | — |"));
    output.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Heap per idle activation, state included | {Median(r => r.ActivatedPer):0} B | {Spread(r => r.ActivatedPer)} | — |"));
    output.WriteLine();
    output.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"<!-- summary|activation-memory|bytes per idle partnership activation beyond its state|{beyond:0} B|{Spread(r => r.BeyondStatePer)}|—|—|≤ 4 KiB|{(beyond <= 4096 ? "met" : "not met")}| -->"));
}
finally
{
    await File.WriteAllTextAsync(options.GetValueOrDefault("output") ?? "activation-memory.md", output.ToString());
    try
    {
        Directory.Delete(folder, recursive: true);
    }
    catch (IOException)
    {
    }
}

return exit;
