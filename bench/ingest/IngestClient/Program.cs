// The load generator of bench/ingest/run.sh. Against a running silo (address and admin secret from the command line):
//   1. registers PARTNERSHIPS partnerships and defines INDICATORS indicators in each (not timed);
//   1b. with --warmup-rows N: registers one more partnership and streams N of its rows first, timed on their own and
//      left out of the figure (the silo's first upload also pays for JIT and tiered compilation of the ingest path);
//   2. streams ROWS observation rows through UploadObservations, one stream per partnership (at most 100,000 rows,
//      the API's limit per stream), STREAMS streams at a time, rows generated on the fly in 1,000-row chunks, each
//      stream with a strive-request-id (as a careful client sends), timed from the first stream's start to the last
//      answer, while sampling the silo's resident memory from /proc/<pid>/status;
//   3. checks: every stream answers received = accepted = its rows and rejected = 0, then reads SAMPLE indicators
//      back with GetIndicator: every cell sent is there, shown with exactly the counts generated for it or hidden by
//      disclosure control (at most half of them), and no cell that was not sent has a value.
// Prints one JSON line on stdout (rows, seconds, rows/s, peak RSS); progress on stderr. Exit 1 on any failed check.
using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using StriveNetwork.Gateway.V1;

var settings = Settings.Parse(args);
using var channel = GrpcChannel.ForAddress(settings.Address, new GrpcChannelOptions
{
    HttpHandler = new SocketsHttpHandler { EnableMultipleHttp2Connections = true },
    MaxReceiveMessageSize = 64 * 1024 * 1024,
});
var auth = new Metadata { { "authorization", $"Bearer {settings.Token}" } };
var partnerships = new PartnershipService.PartnershipServiceClient(channel);
var indicators = new IndicatorService.IndicatorServiceClient(channel);
var plan = new Plan(settings);

// The warm-up partnership, when there is one, is the last (index settings.Partnerships): no sample reads it.
var registered = settings.Partnerships + (settings.WarmupRows > 0 ? 1 : 0);
Log($"set-up: {registered} partnerships × {settings.Indicators} indicators");
var setup = Stopwatch.StartNew();
await Parallel.ForEachAsync(Enumerable.Range(0, registered), new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (p, ct) =>
{
    await partnerships.RegisterPartnershipAsync(new RegisterPartnershipRequest
    {
        PartnershipId = plan.PartnershipId(p),
        Profile = new PartnershipProfile
        {
            DisplayName = $"Bench partnership {p}",
            UsState = "OH",
            GeographicScope = new GeographicScope { Level = GeographicScopeLevel.County, Description = "Bench County" },
            FrameworkId = "toa-6g",
        },
    }, auth, cancellationToken: ct);
    for (var i = 0; i < settings.Indicators; i++)
    {
        await indicators.DefineIndicatorAsync(new DefineIndicatorRequest
        {
            PartnershipId = plan.PartnershipId(p),
            IndicatorId = plan.IndicatorId(i),
            Definition = new IndicatorDefinition
            {
                DisplayName = $"Bench indicator {i}",
                Outcome = (Outcome)(1 + (i % 6)),
                Kind = i % 4 == 0 ? IndicatorKind.Core : IndicatorKind.Contributing,
                Polarity = Polarity.HigherIsBetter,
                Unit = Unit.Percent,
                BaselineYear = settings.FirstYear,
                DefinitionVersion = 1,
            },
        }, auth, cancellationToken: ct);
    }
});
Log($"set-up done in {setup.Elapsed.TotalSeconds:F1} s");

var failures = new List<string>();
var warmupRows = plan.RowCount(settings.Partnerships); // 0 without a warm-up
var warmup = Stopwatch.StartNew();
if (warmupRows > 0)
{
    var answer = await UploadAsync(settings.Partnerships, warmup, CancellationToken.None);
    if (answer.AcceptedCount != warmupRows || answer.RejectedCount != 0)
    {
        failures.Add($"warm-up stream: accepted {answer.AcceptedCount}, rejected {answer.RejectedCount}; expected {warmupRows} accepted");
    }
}

warmup.Stop();
using var rss = new RssSampler(settings.SiloPid);
var clock = Stopwatch.StartNew();
var answers = new UploadObservationsResponse[settings.Partnerships];
await Parallel.ForEachAsync(Enumerable.Range(0, settings.Partnerships), new ParallelOptions { MaxDegreeOfParallelism = settings.Streams }, async (p, ct) =>
    answers[p] = await UploadAsync(p, clock, ct));
clock.Stop();
var peak = rss.Stop();

// One UploadObservations stream with partnership p's rows, in 1,000-row chunks; logs the answer's time on timer.
async Task<UploadObservationsResponse> UploadAsync(int p, Stopwatch timer, CancellationToken ct)
{
    var headers = new Metadata { { "authorization", $"Bearer {settings.Token}" }, { "strive-request-id", $"bench-{settings.RunId}-{p}" } };
    using var call = indicators.UploadObservations(headers, deadline: DateTime.UtcNow.AddSeconds(settings.StreamTimeoutSeconds), cancellationToken: ct);
    await call.RequestStream.WriteAsync(new UploadObservationsRequest { Header = new UploadHeader { PartnershipId = plan.PartnershipId(p) } }, ct);
    var chunk = new UploadChunk();
    foreach (var row in plan.Rows(p))
    {
        chunk.Rows.Add(row);
        if (chunk.Rows.Count == 1000)
        {
            await call.RequestStream.WriteAsync(new UploadObservationsRequest { Chunk = chunk }, ct);
            chunk = new UploadChunk();
        }
    }

    if (chunk.Rows.Count > 0)
    {
        await call.RequestStream.WriteAsync(new UploadObservationsRequest { Chunk = chunk }, ct);
    }

    await call.RequestStream.CompleteAsync();
    var answer = await call.ResponseAsync;
    Log($"stream {p}{(p == settings.Partnerships ? " (warm-up)" : string.Empty)}: {answer.AcceptedCount} accepted at {timer.Elapsed.TotalSeconds:F1} s");
    return answer;
}

for (var p = 0; p < settings.Partnerships; p++)
{
    var expected = plan.RowCount(p);
    var a = answers[p];
    if (a.ReceivedCount != expected || a.AcceptedCount != expected || a.RejectedCount != 0 || a.ReplacedCount != 0)
    {
        failures.Add($"stream {p}: received {a.ReceivedCount}, accepted {a.AcceptedCount}, replaced {a.ReplacedCount}, rejected {a.RejectedCount}; expected {expected} accepted");
    }
}

// Read back a sample of indicators spread over partnerships and indicator ids.
var checkedCells = 0;
var hidden = 0;
var sample = plan.Sample(settings.Sample).ToList();
foreach (var (p, i) in sample)
{
    var view = await indicators.GetIndicatorAsync(new GetIndicatorRequest { PartnershipId = plan.PartnershipId(p), IndicatorId = plan.IndicatorId(i) }, auth);
    var expected = plan.Cells(p, i).ToDictionary(c => (c.Year, c.Gender, c.Population));
    var seen = 0;
    foreach (var year in view.Series)
    {
        foreach (var cell in year.Cells)
        {
            if (!expected.TryGetValue((year.Year, cell.Group.Gender, cell.Group.Population), out var want))
            {
                if (cell.Rate.ValueCase != Rate.ValueOneofCase.NotReported)
                {
                    failures.Add($"{plan.PartnershipId(p)}/{plan.IndicatorId(i)} {year.Year} {cell.Group}: a value for a cell never sent");
                }

                continue;
            }

            seen++;
            if (cell.Rate.ValueCase == Rate.ValueOneofCase.Suppressed)
            {
                // Disclosure control may hide a cell (e.g. a subset group whose complement is small); never a wrong value.
                hidden++;
                continue;
            }

            var shown = cell.Rate.Shown;
            if (shown?.Counts is null || shown.Counts.Numerator != want.Numerator || shown.Counts.Denominator != want.Denominator)
            {
                failures.Add($"{plan.PartnershipId(p)}/{plan.IndicatorId(i)} {year.Year} {cell.Group}: read {cell.Rate}, sent {want.Numerator}/{want.Denominator}");
            }
        }
    }

    if (seen != expected.Count)
    {
        failures.Add($"{plan.PartnershipId(p)}/{plan.IndicatorId(i)}: {seen} of {expected.Count} sent cells read back");
    }

    checkedCells += seen;
}

// Small groups and the cells protecting them are hidden; most cells must still be shown.
if (hidden * 2 > checkedCells)
{
    failures.Add($"{hidden} of {checkedCells} cells read back were suppressed");
}

foreach (var f in failures.Take(20))
{
    Log($"FAILED: {f}");
}

var total = Enumerable.Range(0, settings.Partnerships).Sum(plan.RowCount);
Console.WriteLine(JsonSerializer.Serialize(new
{
    rows = total,
    accepted = answers.Sum(a => (long)a.AcceptedCount),
    seconds = Math.Round(clock.Elapsed.TotalSeconds, 3),
    rowsPerSecond = Math.Round(total / clock.Elapsed.TotalSeconds),
    peakRssMiB = Math.Round(peak / 1048576.0, 1),
    setupSeconds = Math.Round(setup.Elapsed.TotalSeconds, 1),
    warmupRows,
    warmupSeconds = Math.Round(warmup.Elapsed.TotalSeconds, 3),
    warmupRowsPerSecond = warmupRows > 0 ? Math.Round(warmupRows / warmup.Elapsed.TotalSeconds) : 0,
    sampledIndicators = sample.Count,
    checkedCells,
    suppressedCells = hidden,
    failures = failures.Count,
}));
return failures.Count == 0 ? 0 : 1;

static void Log(string message) => Console.Error.WriteLine($"ingest-client: {message}");

/// <summary>Command-line settings (all required ones named; see run.sh).</summary>
internal sealed record Settings(string Address, string Token, int SiloPid, string RunId, int Partnerships, int Indicators, int Years, int FirstYear, int RowsPerStream, int Streams, int Sample, int StreamTimeoutSeconds, bool YearMajor, int WarmupRows)
{
    public static Settings Parse(string[] args)
    {
        var map = new Dictionary<string, string>(StringComparer.Ordinal);
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            map[args[i].TrimStart('-')] = args[i + 1];
        }

        string S(string name) => map.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");
        int I(string name, int min, int max, int? fallback = null)
        {
            var text = map.TryGetValue(name, out var v) ? v : fallback?.ToString(CultureInfo.InvariantCulture) ?? throw new ArgumentException($"--{name} is required");
            var n = int.Parse(text, CultureInfo.InvariantCulture);
            return n >= min && n <= max ? n : throw new ArgumentException($"--{name} {n} is not in {min}..{max}");
        }

        var token = File.ReadAllText(S("token-file")).Trim();
        return new Settings(S("address"), token, I("silo-pid", 1, int.MaxValue), S("run-id"), I("partnerships", 1, 1000), I("indicators", 1, 200),
            I("years", 1, 30), 2000, I("rows-per-stream", 1, 100_000), I("streams", 1, 64), I("sample", 0, 1000, 20), I("stream-timeout", 1, 7200, 1800),
            S("order") switch { "indicator" => false, "year" => true, var o => throw new ArgumentException($"--order {o} is not indicator or year") },
            I("warmup-rows", 0, 100_000, 0));
    }
}

/// <summary>One generated cell.</summary>
internal readonly record struct Cell(int Year, Gender Gender, Population Population, int Numerator, int Denominator);

/// <summary>
/// What is sent: partnership p's rows are indicator × year × 36 cells (indicator-major: one indicator's whole series
/// after the other, as an export per indicator; or year-major: every indicator of one year, then the next year), cut
/// at RowsPerStream. Counts are a pure function of (p, indicator, year, cell), so the check regenerates them.
/// </summary>
internal sealed class Plan(Settings settings)
{
    private static readonly Gender[] Genders = [Gender.All, Gender.Female, Gender.Male];
    private static readonly Population[] Populations = [.. Enumerable.Range(1, 12).Select(n => (Population)n)];

    public string PartnershipId(int p) => $"bench-{settings.RunId}-p{p:D4}";

    public string IndicatorId(int i) => $"ind-{i:D3}";

    /// <summary>Rows of partnership p's stream: RowsPerStream, or WarmupRows for the warm-up partnership (the last).</summary>
    public int RowCount(int p) => Math.Min(p == settings.Partnerships ? settings.WarmupRows : settings.RowsPerStream, settings.Indicators * settings.Years * 36);

    public IEnumerable<UploadRow> Rows(int p)
    {
        var n = 0;
        foreach (var (i, y) in Series())
        {
            foreach (var cell in YearCells(p, i, settings.FirstYear + y))
            {
                if (n++ == RowCount(p))
                {
                    yield break;
                }

                yield return new UploadRow
                {
                    IndicatorId = IndicatorId(i),
                    Observation = new Observation
                    {
                        Year = cell.Year,
                        Gender = cell.Gender,
                        Population = cell.Population,
                        Counts = new CellCounts { Numerator = cell.Numerator, Denominator = cell.Denominator },
                    },
                };
            }
        }
    }

    /// <summary>The cells of indicator i that partnership p's stream sends.</summary>
    public IEnumerable<Cell> Cells(int p, int i)
    {
        var n = 0;
        foreach (var (ii, y) in Series())
        {
            foreach (var cell in YearCells(p, ii, settings.FirstYear + y))
            {
                if (n++ == RowCount(p))
                {
                    yield break;
                }

                if (ii == i)
                {
                    yield return cell;
                }
            }
        }
    }

    /// <summary>Indicators spread over partnerships and ids, each with at least one row sent.</summary>
    public IEnumerable<(int P, int I)> Sample(int count)
    {
        var fullIndicators = settings.YearMajor ? settings.Indicators : Math.Max(1, RowCount(0) / (settings.Years * 36));
        for (var k = 0; k < count; k++)
        {
            yield return ((k * 7919) % settings.Partnerships, (k * 104_729) % fullIndicators);
        }
    }

    private IEnumerable<(int Indicator, int Year)> Series()
    {
        for (var a = 0; a < (settings.YearMajor ? settings.Years : settings.Indicators); a++)
        {
            for (var b = 0; b < (settings.YearMajor ? settings.Indicators : settings.Years); b++)
            {
                yield return settings.YearMajor ? (b, a) : (a, b);
            }
        }
    }

    /// <summary>
    /// One year's 36 cells, consistent as real data are: per gender, All Students is the sum of the nine race groups,
    /// Low Income and English Learner are subsets of it, and the All gender is Female + Male of each population. Two
    /// groups are small (American Indian / Alaska Native 2..39, Native Hawaiian / Pacific Islander 2..29 students), so
    /// small-cell and complementary suppression and the disclosure audit do real work, as on a real file.
    /// </summary>
    private static IEnumerable<Cell> YearCells(int p, int i, int year)
    {
        var counts = new (int N, int D)[3, 13]; // [gender all/female/male, population 1..12]
        for (var g = 1; g <= 2; g++)
        {
            for (var pop = 2; pop <= 10; pop++)
            {
                var h = Hash(p, i, year, g, pop);
                var d = pop switch { 2 => 2 + (int)(h % 38), 7 => 2 + (int)(h % 28), 6 => 10 + (int)(h % 70), _ => 100 + (int)(h % 800) };
                counts[g, pop] = (d * (20 + (int)(h / 800 % 60)) / 100, d);
                counts[g, 1] = (counts[g, 1].N + counts[g, pop].N, counts[g, 1].D + counts[g, pop].D);
            }

            foreach (var (pop, share) in new[] { (11, 40), (12, 10) })
            {
                var h = Hash(p, i, year, g, pop);
                var d = counts[g, 1].D * (share + (int)(h % 20)) / 100;
                counts[g, pop] = (Math.Min(d * (20 + (int)(h / 800 % 60)) / 100, counts[g, 1].N), d);
            }
        }

        for (var pop = 1; pop <= 12; pop++)
        {
            counts[0, pop] = (counts[1, pop].N + counts[2, pop].N, counts[1, pop].D + counts[2, pop].D);
        }

        for (var g = 0; g < 3; g++)
        {
            foreach (var pop in Populations)
            {
                var (n, d) = counts[g, (int)pop];
                yield return new Cell(year, Genders[g], pop, n, d);
            }
        }
    }

    private static uint Hash(int p, int i, int year, int g, int pop)
    {
        // Deterministic across runs (HashCode is seeded per process): a fixed multiply-xorshift mix.
        var h = unchecked((ulong)p * 0x9E3779B97F4A7C15UL ^ (ulong)i * 0xC2B2AE3D27D4EB4FUL ^ (ulong)year * 0x165667B19E3779F9UL ^ (ulong)(g * 13 + pop) * 0xD6E8FEB86659FD93UL);
        h ^= h >> 29;
        h = unchecked(h * 0xBF58476D1CE4E5B9UL);
        return (uint)(h >> 32);
    }
}

/// <summary>Samples VmRSS of a process every 100 ms; <see cref="Stop"/> returns the highest value seen (bytes).</summary>
internal sealed class RssSampler : IDisposable
{
    private readonly int _pid;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peak;

    public RssSampler(int pid)
    {
        _pid = pid;
        _loop = Task.Run(async () =>
        {
            while (!_stop.IsCancellationRequested)
            {
                Sample();
                try
                {
                    await Task.Delay(100, _stop.Token);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        });
    }

    public long Stop()
    {
        _stop.Cancel();
        _loop.Wait();
        Sample();
        return _peak;
    }

    public void Dispose() => _stop.Dispose();

    private void Sample()
    {
        foreach (var line in File.ReadLines($"/proc/{_pid}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                var kib = long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture);
                _peak = Math.Max(_peak, kib * 1024);
            }
        }
    }
}
