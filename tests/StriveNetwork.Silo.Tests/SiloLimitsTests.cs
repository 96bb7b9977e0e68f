using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client;
using Grpc.Reflection.V1Alpha;

namespace StriveNetwork.Silo.Tests;

/// <summary>Strive:Limits in the real silo process: bound from the environment, applied, and refused with a clear line when bad.</summary>
public sealed class SiloLimitsTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Theory]
    [InlineData("Strive__Limits__StreamIdleTimeout", "abc", "invalid settings: Failed to convert configuration value")]
    [InlineData("Strive__Limits__MaxStreamsPerToken", "0", "invalid settings: Strive:Limits:MaxStreamsPerToken must be within 1..")]
    [InlineData("Strive__Limits__KeepAlivePingTimeout", "00:00:00", "invalid settings: Strive:Limits:KeepAlivePingTimeout must be within ")]
    [InlineData("Strive__Limits__MaxStreamBytez", "1", "invalid settings: ")]
    public async Task BadLimit_Exits2_NamingTheKey_BeforeTouchingTheStore(string variable, string value, string message)
    {
        var dataDir = _dir.Sub("data");
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { [variable] = value }, "--grpc-port", "0", "--data-dir", dataDir);

        Assert.Equal(2, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains(silo.StderrLines, l => l.StartsWith(message, StringComparison.Ordinal));
        Assert.Contains(silo.StderrLines, l => l.Contains(variable["Strive__Limits__".Length..], StringComparison.Ordinal));
        Assert.Empty(silo.StdoutLines);
        Assert.False(Directory.Exists(dataDir));
    }

    [Theory]
    [InlineData("Strive__Requests__MaxEntries", "0", "invalid settings: Strive:Requests:MaxEntries must be within 1..10000 (got 0)")]
    [InlineData("Strive__Requests__Window", "00:00:10", "invalid settings: Strive:Requests:Window must be within 00:01:00..30.00:00:00 (got 00:00:10)")]
    [InlineData("Strive__Uploads__BatchRows", "0", "invalid settings: Strive:Uploads:BatchRows must be within 1..5000 (got 0)")]
    [InlineData("Strive__Uploads__MaxBufferedRows", "1500", "invalid settings: Strive:Uploads:MaxBufferedRows must be within BatchRows + 1000 (2000)..100000 (got 1500)")]
    [InlineData("Strive__Uploads__BatchRowz", "1", "invalid settings: ")]
    [InlineData("Strive__ResponseCache__MaxEntries", "-1", "invalid settings: Strive:ResponseCache:MaxEntries must be within 0..1000000 (got -1)")]
    [InlineData("Strive__GrainDirectory__CacheSize", "1000001", "invalid settings: Strive:GrainDirectory:CacheSize must be within 0..1000000 (got 1000001)")]
    [InlineData("Strive__Outbox__ReminderPeriod", "00:00:30", "invalid settings: Strive:Outbox:ReminderPeriod must be within 00:01:00..01:00:00 (got 00:00:30)")]
    [InlineData("Strive__Outbox__MaxBackoff", "01:00:00", "invalid settings: Strive:Outbox:MaxBackoff must be within 00:00:00.0100000..00:10:00 (got 01:00:00)")]
    public async Task BadRequestLogOrUploadSetting_Exits2_NamingTheKey_BeforeTouchingTheStore(string variable, string value, string message)
    {
        var dataDir = _dir.Sub("data");
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { [variable] = value }, "--grpc-port", "0", "--data-dir", dataDir);

        Assert.Equal(2, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains(silo.StderrLines, l => l.StartsWith(message, StringComparison.Ordinal));
        Assert.Contains(silo.StderrLines, l => l.Contains(variable[(variable.LastIndexOf("__", StringComparison.Ordinal) + 2)..], StringComparison.Ordinal));
        Assert.Empty(silo.StdoutLines);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task LimitsFromTheEnvironment_EndIdleAndLongLivedPublicStreams()
    {
        await using var silo = SiloProcess.Start(
            new Dictionary<string, string>
            {
                ["Strive__Limits__StreamIdleTimeout"] = "00:00:01",
                ["Strive__Limits__PublicStreamLifetime"] = "00:00:02",
            },
            "--grpc-port", "0", "--data-dir", _dir.Sub("data"));
        var port = await silo.WaitForReadyAsync();
        using var channel = GrpcChannel.ForAddress($"http://127.0.0.1:{port}");
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));

        using (var reflection = new ServerReflection.ServerReflectionClient(channel).ServerReflectionInfo(cancellationToken: timeout.Token))
        {
            var idle = await Assert.ThrowsAsync<RpcException>(() => reflection.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(StatusCode.DeadlineExceeded, idle.StatusCode);
            Assert.Contains("idle", idle.Status.Detail, StringComparison.Ordinal);
        }

        using (var watch = new Health.HealthClient(channel).Watch(new HealthCheckRequest(), cancellationToken: timeout.Token))
        {
            Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
            var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
            Assert.Equal(StatusCode.DeadlineExceeded, ended.StatusCode);
        }

        Assert.Equal(HealthCheckResponse.Types.ServingStatus.Serving, (await new Health.HealthClient(channel).CheckAsync(new HealthCheckRequest(), cancellationToken: timeout.Token)).Status);
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }
}
