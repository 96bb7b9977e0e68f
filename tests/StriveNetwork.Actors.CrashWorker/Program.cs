using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StriveNetwork.Actors.CrashWorker;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Actors.Postgres;
using StriveNetwork.Actors.Sqlite;

// Crash-safety worker: writes state + events through IGrainStorage as fast as it can and prints a line after each
// commit, so a test can SIGKILL it at any moment and then check that every printed commit is durable, that every
// stored state has exactly its events and that producer sequences have no gaps.
//
//   dotnet StriveNetwork.Actors.CrashWorker.dll sqlite <file>
//   dotnet StriveNetwork.Actors.CrashWorker.dll postgres <connection string> <schema>
//
// Bounded so that an orphaned worker stops by itself: at most 20,000 commits or 60 seconds per run.

if (args.Length < 2)
{
    Console.Error.WriteLine("usage: sqlite <file> | postgres <connection string> <schema>");
    return 2;
}

IGrainStorage storage = args[0] switch
{
    "sqlite" => new SqliteGrainStorage(new SqliteGrainStorageOptions { FilePath = args[1] }),
    "postgres" when args.Length >= 3 => new PostgresGrainStorage(new PostgresGrainStorageOptions { ConnectionString = args[1], Schema = args[2] }),
    _ => throw new ArgumentException($"Unknown provider '{args[0]}'."),
};

await storage.InitializeAsync();
var etags = new string?[CrashProtocol.Grains];
var counters = new long[CrashProtocol.Grains];
for (var g = 0; g < CrashProtocol.Grains; g++)
{
    var stored = await storage.ReadAsync(CrashProtocol.Key(g));
    etags[g] = stored?.ETag;
    counters[g] = stored is null ? 0 : JsonDocument.Parse(stored.Json).RootElement.GetProperty("counter").GetInt64();
}

Console.Out.WriteLine("READY");
Console.Out.Flush();
var clock = Stopwatch.StartNew();
for (var i = 0; i < 20_000 && clock.Elapsed < TimeSpan.FromSeconds(60); i++)
{
    var g = i % CrashProtocol.Grains;
    var next = counters[g] + 1;
    var events = Enumerable.Range(0, CrashProtocol.EventsFor(next))
        .Select(j => new StreamEventDraft(
            CrashProtocol.Namespace, $"g{g}", "crash.event", string.Create(CultureInfo.InvariantCulture, $$"""{"counter":{{next}},"index":{{j}}}""")))
        .ToArray();
    etags[g] = await storage.WriteAsync(CrashProtocol.Key(g), string.Create(CultureInfo.InvariantCulture, $$"""{"counter":{{next}}}"""), 1, etags[g], events);
    counters[g] = next;
    Console.Out.WriteLine(string.Create(CultureInfo.InvariantCulture, $"COMMITTED {g} {next}"));
    Console.Out.Flush();
}

return 0;
