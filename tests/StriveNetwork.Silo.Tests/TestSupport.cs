using Google.Protobuf;
using Grpc.Core;
using Grpc.Net.Client;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>A fresh directory under the temp folder, deleted on dispose.</summary>
public sealed class TempDir : IDisposable
{
    public string Path { get; } = System.IO.Path.Combine(System.IO.Path.GetTempPath(), "strive-silo-" + Guid.NewGuid().ToString("N"));

    public TempDir() => Directory.CreateDirectory(Path);

    /// <summary>A path inside this directory that does not exist yet.</summary>
    public string Sub(string name) => System.IO.Path.Combine(Path, name);

    public void Dispose()
    {
        try
        {
            Directory.Delete(Path, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

/// <summary>The command line run in-process with its own base directory, environment and captured output.</summary>
public sealed class InProcessCli(string baseDirectory, IReadOnlyDictionary<string, string?>? environment = null)
{
    public StringWriter Output { get; } = new();

    public StringWriter Error { get; } = new();

    internal SiloCommandLine CommandLine() => new(baseDirectory, environment ?? new Dictionary<string, string?>(), Output, Error);

    public Task<int> RunAsync(params string[] args) => CommandLine().InvokeAsync(args);

    public (SiloOptions Options, IReadOnlyList<string> Problems) Resolve(params string[] args) => CommandLine().Resolve(args);

    /// <summary>Runs a command with fresh writers and returns its exit code and output.</summary>
    public static async Task<(int Code, string Output, string Error)> RunFreshAsync(string baseDirectory, params string[] args)
    {
        var cli = new InProcessCli(baseDirectory);
        var code = await cli.RunAsync(args);
        return (code, cli.Output.ToString(), cli.Error.ToString());
    }
}

/// <summary>strive.v1 calls over Grpc.Net.Client.</summary>
public sealed class StriveClient(int port) : IDisposable
{
    private readonly GrpcChannel _client = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");

    public Task<TResponse> CallAsync<TRequest, TResponse>(string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        _client.CallAsync<TRequest, TResponse>(token, method, request);

    /// <summary>The status a call ends with (OK when it succeeds).</summary>
    public Task<(StatusCode Code, string Message)> StatusOfAsync<TRequest, TResponse>(string? token, string method, TRequest request)
        where TRequest : class, IMessage<TRequest>
        where TResponse : class, IMessage<TResponse>, new() =>
        _client.StatusOfAsync<TRequest, TResponse>(token, method, request);

    public Task<GetNetworkRollupResponse> RollupAsync(string? token) =>
        CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(token, "NetworkService/GetNetworkRollup", new GetNetworkRollupRequest());

    public Task<(StatusCode Code, string Message)> RollupStatusAsync(string? token) =>
        StatusOfAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(token, "NetworkService/GetNetworkRollup", new GetNetworkRollupRequest());

    public void Dispose() => _client.Dispose();
}
