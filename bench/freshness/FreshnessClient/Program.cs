using System.Diagnostics;
using System.Globalization;
using Grpc.Core;
using Grpc.Net.Client;
using StriveNetwork.Bench.Freshness;
using StriveNetwork.Gateway.V1;

// Rollup freshness at a fixed write rate (bench/freshness/run.sh starts the silo and calls this): seeds partnerships on
// an empty silo, opens WatchNetworkRollup, runs the rounds, checks the result against RecomputeNetworkRollup, and
// prints the markdown table of the rounds on stdout (progress on stderr). Exit code 1 on any failure or failed check.
FreshnessOptions options;
try
{
    options = FreshnessOptions.Parse(args);
}
catch (Exception e) when (e is ArgumentException or FormatException)
{
    Console.Error.WriteLine($"freshness: {e.Message}");
    return 2;
}

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    cancel.Cancel();
};
var token = (await File.ReadAllTextAsync(options.TokenFile, cancel.Token)).Trim();
var headers = new Metadata { { "authorization", $"Bearer {token}" } };
using var channel = GrpcChannel.ForAddress(options.Address, new GrpcChannelOptions
{
    // More than one HTTP/2 connection once one has the server's 100 concurrent streams in use.
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    MaxReceiveMessageSize = 16 * 1024 * 1024,
});
var invoker = channel.CreateCallInvoker();
var partnerships = options.Partnerships;
var slots = Slot.All(partnerships);
Console.Error.WriteLine($"freshness: seeding {partnerships} partnerships × {Slot.Outcomes.Length} outcomes × {FreshnessOptions.IndicatorsPerOutcome} core indicators = {slots.Length} slots");
try
{
    var seedWatch = Stopwatch.StartNew();
    await new NetworkSeed(invoker, headers).SeedAsync(partnerships, options.SeedConcurrency, cancel.Token);
    Console.Error.WriteLine($"freshness: seeded in {seedWatch.Elapsed.TotalSeconds:0.0} s");

    await using var watch = new RollupWatch(invoker, headers);
    var indicators = new IndicatorService.IndicatorServiceClient(invoker);
    var round = new WriteRound(indicators, headers, options);
    var all = new List<RoundResult>();
    var random = new Random(13);

    // Warm-up rounds first, as the other scenarios warm up before they measure: the first round after seeding runs
    // the round's code paths for the first time in the silo's life (about 1,900 methods compiled or recompiled in its
    // first seconds, measured with DOTNET_PerfMapEnabled) and would measure the JIT, once per process, not the rollup.
    var total = options.WarmupRounds + options.Rounds;
    for (var r = 1; r <= total; r++)
    {
        var order = (Slot[])slots.Clone();
        random.Shuffle(order);
        var result = await round.RunAsync(r, order, toWorsened: r % 2 == 1, watch, cancel.Token) with { Warmup = r <= options.WarmupRounds };
        all.Add(result);
        Console.Error.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"freshness: round {r}/{total}{(result.Warmup ? " (warm-up)" : string.Empty)}: {result.Acknowledged}/{result.Writes} acknowledged at {result.SendRate:0} sends/s, freshness p50 {result.P50Ms:0.0} ms, p99 {result.P99Ms:0.0} ms, max {result.MaxMs:0.0} ms, errors {result.Errors} {result.ErrorSummary}"));
    }

    var results = all.Where(x => !x.Warmup).ToList();

    // Checks: the streamed rollup equals the expected end state and the one recomputed from the source grains.
    var lastToWorsened = total % 2 == 1;
    var final = (await new NetworkService.NetworkServiceClient(invoker).GetNetworkRollupAsync(new GetNetworkRollupRequest(), headers, cancellationToken: cancel.Token)).Rollup;
    var finalSample = RollupSample.From(0, final);
    var expectedOk = final.PartnershipCount == partnerships && Enumerable.Range(0, Slot.Outcomes.Length)
        .All(o => (lastToWorsened ? finalSample.Worsened[o] : finalSample.Improved[o]) == partnerships && finalSample.Maintained[o] == 0);
    var recompute = await new AdminService.AdminServiceClient(invoker).RecomputeNetworkRollupAsync(new RecomputeNetworkRollupRequest { Apply = false }, headers, cancellationToken: cancel.Token);
    var errors = all.Sum(x => x.Errors);

    double Median(Func<RoundResult, double> figure)
    {
        var values = results.Select(figure).Order().ToArray();
        return values.Length % 2 == 1 ? values[values.Length / 2] : (values[(values.Length / 2) - 1] + values[values.Length / 2]) / 2;
    }

    string Spread(Func<RoundResult, double> figure, string format) =>
        $"{results.Min(figure).ToString(format, CultureInfo.InvariantCulture)}–{results.Max(figure).ToString(format, CultureInfo.InvariantCulture)}";

    var p99 = Median(x => x.P99Ms);
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"- Network: {partnerships} partnerships × 16 core indicators (2 per outcome) = {slots.Length} indicators; each round writes every indicator once ({slots.Length} writes, scheduled at {options.Rate}/s = {slots.Length / (double)options.Rate:0.0} s), in a shuffled order, alternating the direction; {options.WarmupRounds} warm-up round(s) first, shown in the table and left out of the medians (checks and errors cover every round)"));
    Console.WriteLine($"- Checks: counters monotone within every round; every acknowledged write reflected exactly once; final rollup = expected end state: **{(expectedOk ? "yes" : "NO")}**; RecomputeNetworkRollup consistent with the streamed rollup: **{(recompute.Consistent ? "yes" : $"NO ({recompute.Differences.Count} differences)")}** ({recompute.PartnershipCount} partnerships read)");
    Console.WriteLine();
    Console.WriteLine("| Round | Direction | Writes | Acknowledged | Errors | Sent/s | Acknowledged/s | Max send lag ms | Reply p50 / p99 ms | Freshness p50 ms | Freshness p99 ms | Freshness max ms | Reflected before reply | Watch messages |");
    Console.WriteLine("|---:|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
    foreach (var result in all)
    {
        Console.WriteLine(result.Row());
    }

    Console.WriteLine();
    Console.WriteLine("| Figure | Median | Spread (min–max) | Target |");
    Console.WriteLine("|---|---:|---:|---:|");
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Freshness p99 (reply → watch message reflecting the write) | **{p99:0.0} ms** | {Spread(x => x.P99Ms, "0.0")} ms | ≤ 250 ms at 2,000 writes/s ({(p99 <= 250 ? "met" : "missed")}) |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Freshness p50 | {Median(x => x.P50Ms):0.0} ms | {Spread(x => x.P50Ms, "0.0")} ms | — |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Freshness max | {Median(x => x.MaxMs):0.0} ms | {Spread(x => x.MaxMs, "0.0")} ms | — |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Writes acknowledged per round | {Median(x => x.Acknowledged):0} | {Spread(x => x.Acknowledged, "0")} | — |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Achieved send rate | {Median(x => x.SendRate):0}/s | {Spread(x => x.SendRate, "0")}/s | {options.Rate}/s scheduled |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Achieved acknowledged rate | {Median(x => x.AckRate):0}/s | {Spread(x => x.AckRate, "0")}/s | — |"));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"| Errors (all rounds) | {errors} | — | 0 |"));

    Console.WriteLine();

    // The machine-readable line bench/run-all.sh builds its summary table from (bench/README.md, scenario contract).
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"<!-- summary|freshness|p99 ms from SubmitObservations reply to the watch message reflecting it|{p99:0.0} ms|{Spread(x => x.P99Ms, "0.0")} ms|—|—|≤ 250 ms at 2,000 writes/s|{(p99 <= 250 && errors == 0 ? "met" : "not met")}| -->"));
    if (!expectedOk || !recompute.Consistent || errors > 0)
    {
        foreach (var difference in recompute.Differences.Take(20))
        {
            Console.Error.WriteLine($"freshness: difference {difference.Path}: streamed {difference.Streamed}, recomputed {difference.Recomputed}");
        }

        Console.Error.WriteLine("freshness: a check failed (see above)");
        return 1;
    }

    return 0;
}
catch (Exception e) when (e is RpcException or TimeoutException or InvalidOperationException or OperationCanceledException)
{
    Console.Error.WriteLine($"freshness: {e}");
    return 1;
}
