using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using StriveNetwork.Actors.CrashWorker;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.CrashSafety;

/// <summary>
/// Starts the crash worker as a separate process (<c>dotnet StriveNetwork.Actors.CrashWorker.dll …</c>), SIGKILLs it
/// after a random number of commits, restarts it and kills it again, then verifies the store: every printed
/// commit is durable, every stored state version has exactly its events, no event exists without its state, and
/// producer sequences have no gaps.
/// </summary>
public abstract class CrashSafetyTests
{
    /// <summary>Arguments after the worker dll, e.g. <c>sqlite /tmp/x.db</c>.</summary>
    protected abstract IReadOnlyList<string> WorkerArguments { get; }

    /// <summary>Opens the store the worker wrote, for verification.</summary>
    protected abstract IGrainStorage OpenStorage();

    [Fact]
    public async Task Worker_KilledAtRandomMoments_LeavesStateAndEventsConsistent()
    {
        var seed = Random.Shared.Next();
        var random = new Random(seed);
        var printed = new long[CrashProtocol.Grains];
        for (var run = 0; run < 3; run++)
        {
            await RunAndKillAsync(random.Next(5, 120), printed, seed);
        }

        var storage = OpenStorage();
        try
        {
            await VerifyAsync(storage, printed, seed);
        }
        finally
        {
            if (storage is IAsyncDisposable disposable)
            {
                await disposable.DisposeAsync();
            }
        }
    }

    private async Task RunAndKillAsync(int commitsBeforeKill, long[] printed, int seed)
    {
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "StriveNetwork.Actors.CrashWorker.dll"));
        foreach (var argument in WorkerArguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = Process.Start(start) ?? throw new InvalidOperationException("The crash worker did not start.");
        var stderr = process.StandardError.ReadToEndAsync();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        var commits = 0;
        try
        {
            while (commits < commitsBeforeKill)
            {
                var line = await process.StandardOutput.ReadLineAsync(timeout.Token);
                if (line is null)
                {
                    await process.WaitForExitAsync(timeout.Token);
                    Assert.Fail($"The worker exited early (code {process.ExitCode}, seed {seed}): {await stderr}");
                }

                commits += Record(line, printed) ? 1 : 0;
            }
        }
        finally
        {
            // SIGKILL on Unix: no finally blocks, no flushes, possibly in the middle of a transaction.
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync(timeout.Token);
        // Lines already in the pipe were printed after their commit: they count as committed too.
        var rest = await process.StandardOutput.ReadToEndAsync(timeout.Token);
        foreach (var line in rest.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            Record(line, printed);
        }
    }

    private static bool Record(string line, long[] printed)
    {
        var parts = line.Trim().Split(' ');
        if (parts is not ["COMMITTED", var grain, var counter])
        {
            return false;
        }

        var g = int.Parse(grain, CultureInfo.InvariantCulture);
        printed[g] = Math.Max(printed[g], long.Parse(counter, CultureInfo.InvariantCulture));
        return true;
    }

    private static async Task VerifyAsync(IGrainStorage storage, long[] printed, int seed)
    {
        var log = (IStreamLog)storage;
        var events = new List<StreamEventRecord>();
        for (var after = 0L; events.Count < 1_000_000;)
        {
            var page = await log.ReadAsync(CrashProtocol.Namespace, after, 500);
            if (page.Count == 0)
            {
                break;
            }

            events.AddRange(page);
            after = page[^1].Position;
        }

        Assert.True(printed.Sum() > 0, $"No commit was printed (seed {seed}).");
        for (var g = 0; g < CrashProtocol.Grains; g++)
        {
            var state = await storage.ReadAsync(CrashProtocol.Key(g));
            Assert.NotNull(state);
            var counter = JsonDocument.Parse(state.Json).RootElement.GetProperty("counter").GetInt64();
            Assert.True(counter >= printed[g], $"Grain {g}: commit {printed[g]} was printed but the state holds {counter} (seed {seed}).");
            // Writes only, no clears: the version is the number of commits.
            Assert.Equal(counter.ToString(CultureInfo.InvariantCulture), state.ETag);

            var mine = events.Where(e => e.ProducerType == CrashProtocol.GrainType && e.ProducerKey == $"g{g}").ToList();
            Assert.Equal(Enumerable.Range(1, mine.Count).Select(i => (long)i), mine.Select(e => e.ProducerSequence));
            var byCounter = mine
                .Select(e => JsonDocument.Parse(e.PayloadJson).RootElement)
                .Select(p => (Counter: p.GetProperty("counter").GetInt64(), Index: p.GetProperty("index").GetInt32()))
                .ToList();
            var expected = new List<(long Counter, int Index)>();
            for (var c = 1L; c <= counter; c++)
            {
                expected.AddRange(Enumerable.Range(0, CrashProtocol.EventsFor(c)).Select(j => (c, j)));
            }

            Assert.Equal(expected, byCounter);
        }

        Assert.Equal(events.Count, events.Count(e => e.ProducerType == CrashProtocol.GrainType));
    }
}
