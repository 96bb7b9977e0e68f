using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.RegularExpressions;

namespace StriveNetwork.Silo.Tests;

/// <summary>The built silo executable running as a real child process, with its output captured line by line.</summary>
public sealed partial class SiloProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _stdout = new();
    private readonly ConcurrentQueue<string> _stderr = new();
    private readonly SemaphoreSlim _lineArrived = new(0);
    private readonly TaskCompletionSource _stdoutClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _stderrClosed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private SiloProcess(Process process) => _process = process;

    /// <summary>The silo assembly next to the test assembly (copied there by the project reference).</summary>
    public static string SiloDll => typeof(SiloOptions).Assembly.Location;

    public int Id => _process.Id;

    public IReadOnlyList<string> StdoutLines => [.. _stdout];

    public IReadOnlyList<string> StderrLines => [.. _stderr];

    public string AllOutput => string.Join('\n', _stdout) + "\n" + string.Join('\n', _stderr);

    public static SiloProcess Start(IReadOnlyDictionary<string, string>? environment, params string[] args) =>
        StartIn(System.IO.Path.GetTempPath(), environment, args);

    public static SiloProcess StartIn(string workingDirectory, IReadOnlyDictionary<string, string>? environment, params string[] args)
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

        // Only the settings a test gives: none inherited from the machine running the tests.
        foreach (var name in SiloOptions.EnvironmentNames.Keys.Concat(SiloOptions.SecretEnvironmentNames))
        {
            start.Environment.Remove(name);
        }

        // Nor an OpenTelemetry setup of the machine (an OTLP endpoint would turn export on).
        foreach (var name in start.Environment.Keys.Where(k => k.StartsWith("OTEL_", StringComparison.Ordinal)).ToList())
        {
            start.Environment.Remove(name);
        }

        // The people's dashboard is off unless a test asks for it (--web-port N wins over this): parallel silos would
        // otherwise all want port 5080.
        start.Environment["STRIVE_WEB_PORT"] = "0";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        var silo = new SiloProcess(process);
        process.OutputDataReceived += (_, e) => silo.Receive(e.Data, silo._stdout, silo._stdoutClosed);
        process.ErrorDataReceived += (_, e) => silo.Receive(e.Data, silo._stderr, silo._stderrClosed);
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return silo;
    }

    private void Receive(string? line, ConcurrentQueue<string> lines, TaskCompletionSource closed)
    {
        if (line is null)
        {
            closed.TrySetResult();
        }
        else
        {
            lines.Enqueue(line);
        }

        _lineArrived.Release();
    }

    /// <summary>Waits for the ready line and returns the bound port; fails with the output if the silo exits or stalls.</summary>
    public async Task<int> WaitForReadyAsync(TimeSpan? timeout = null)
    {
        var line = await WaitForStdoutAsync(l => l.StartsWith("gRPC listening on ", StringComparison.Ordinal), timeout ?? TimeSpan.FromSeconds(60));
        var match = ListeningLine().Match(line);
        Assert.True(match.Success, $"ready line has an unexpected shape: '{line}'");
        return int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture);
    }

    public Task<string> WaitForStdoutAsync(Func<string, bool> predicate, TimeSpan timeout) =>
        WaitForLineAsync(_stdout, _stdoutClosed, "stdout", predicate, timeout);

    /// <summary>
    /// Waits for a line on stderr: the console logger writes from its own thread, so a log line may arrive after a
    /// stdout line the silo wrote later.
    /// </summary>
    public Task<string> WaitForStderrAsync(Func<string, bool> predicate, TimeSpan timeout) =>
        WaitForLineAsync(_stderr, _stderrClosed, "stderr", predicate, timeout);

    private async Task<string> WaitForLineAsync(ConcurrentQueue<string> lines, TaskCompletionSource closed, string stream, Func<string, bool> predicate, TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        while (true)
        {
            if (lines.FirstOrDefault(predicate) is { } found)
            {
                return found;
            }

            if (closed.Task.IsCompleted)
            {
                Assert.Fail($"silo closed {stream} before the expected line; output:\n{AllOutput}");
            }

            try
            {
                await _lineArrived.WaitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail($"no expected {stream} line within {timeout.TotalSeconds} s; output:\n{AllOutput}");
            }
        }
    }

    /// <summary>
    /// The generated bootstrap secret of a first start: stdout is not a terminal, so the silo wrote it to
    /// <c>&lt;data dir&gt;/admin-token</c> and printed only the path.
    /// </summary>
    public string AdminToken()
    {
        const string prefix = "admin token written to ";
        var line = Assert.Single(StdoutLines, l => l.StartsWith(prefix, StringComparison.Ordinal));
        var path = line[prefix.Length..line.IndexOf(" (owner-only", StringComparison.Ordinal)];
        return File.ReadAllText(path).Trim();
    }

    /// <summary>Sends SIGTERM (what `docker stop` and systemd send); Process.Kill would be SIGKILL.</summary>
    public void Terminate()
    {
        using var kill = Process.Start(new ProcessStartInfo("kill") { ArgumentList = { "-TERM", _process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture) }, UseShellExecute = false })!;
        Assert.True(kill.WaitForExit(TimeSpan.FromSeconds(10)), "kill did not return");
        Assert.Equal(0, kill.ExitCode);
    }

    /// <summary>Waits for exit (and the end of both output streams) and returns the exit code.</summary>
    public async Task<int> WaitForExitAsync(TimeSpan timeout)
    {
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(deadline.Token);
            await Task.WhenAll(_stdoutClosed.Task, _stderrClosed.Task).WaitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            Assert.Fail($"silo did not exit within {timeout.TotalSeconds} s; output:\n{AllOutput}");
        }

        return _process.ExitCode;
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
