using System.Collections.Concurrent;
using System.Diagnostics;
using System.Globalization;
using System.Text.RegularExpressions;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// The built silo executable as a real child process with its output captured line by line (the shape of
/// StriveNetwork.Silo.Tests' SiloProcess, trimmed to what the browser tests need).
/// </summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process) => _process = process;

    /// <summary>The silo assembly next to the test assembly (copied there by the project reference).</summary>
    public static string SiloDll => typeof(StriveNetwork.Silo.SiloOptions).Assembly.Location;

    public IReadOnlyList<string> StdoutLines => [.. _stdout];

    public string AllOutput => string.Join('\n', _stdout) + "\n" + string.Join('\n', _stderr);

    public static SiloProcess Start(string workingDirectory, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
        };
        start.ArgumentList.Add(SiloDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // Only the settings the test gives: none inherited from the machine running the tests.
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("STRIVE_", StringComparison.Ordinal) || k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => silo.Receive(e.Data, silo._stdout, silo._stdoutClosed);
        process.ErrorDataReceived += (_, e) => silo.Receive(e.Data, silo._stderr, null);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Receive(string? line, ConcurrentQueue<string> lines, TaskCompletionSource? closed)
    {
        if (line is null)
        {
            closed?.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }

        _lineArrived.Release();
    }

    /// <summary>Waits for the ready line and returns the bound gRPC port; fails with the output if the silo exits or stalls.</summary>
    public async Task<int> WaitForReadyAsync(TimeSpan timeout)
    {
        var line = await WaitForStdoutAsync(l => l.StartsWith("gRPC listening on ", StringComparison.Ordinal), timeout);
        var match = ListeningLine().Match(line);
        Assert.True(match.Success, $"ready line has an unexpected shape: '{line}'");
        return int.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture);
    }

    public async Task<string> WaitForStdoutAsync(Func<string, bool> predicate, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (_stdout.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            if (_stdoutClosed.Task.IsCompleted)
            {
                Assert.Fail($"silo closed stdout before the expected line; output:\n{AllOutput}");
            }

            try
            {
                await _lineArrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no expected stdout line within {timeout.TotalSeconds} s; output:\n{AllOutput}");
            }
        }
    }

    /// <summary>The generated bootstrap secret: stdout is not a terminal, so the silo wrote it to a file and printed the path.</summary>
    public string AdminToken()
    {
        const string prefix = "admin token written to ";
        var line = Assert.Single(StdoutLines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        var path = line[prefix.Length..line.IndexOf(" (owner-only", StringComparison.Ordinal)];
        return File.ReadAllText(path).Trim();
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
            }
        }
        catch (InvalidOperationException)
        {
        }
        catch (TimeoutException)
        {
        }

        _process.Dispose();
        _lineArrived.Dispose();
    }

    [GeneratedRegex(@"^gRPC listening on 127\.0\.0\.1:(\d+)$")]
    private static partial Regex ListeningLine();
}
