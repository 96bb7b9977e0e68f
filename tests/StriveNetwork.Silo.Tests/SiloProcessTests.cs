using System.Net;
using System.Net.NetworkInformation;
using System.Net.Sockets;
using Grpc.Core;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>The built silo as a real child process: readiness line, bootstrap token, SIGTERM, restart, binding, secrets.</summary>
public sealed class SiloProcessTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(30);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task FirstStart_PrintsOneWorkingAdminToken_SigtermStopsCleanly_RestartKeepsTokenAndData()
    {
        var dataDir = _dir.Sub("data");
        string admin;
        await using (var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir))
        {
            var port = await silo.WaitForReadyAsync();
            Assert.NotEqual(0, port);
            var tokenLines = silo.StdoutLines.Where(l => l.Contains("token", StringComparison.OrdinalIgnoreCase)).ToList();
            var line = Assert.Single(tokenLines);
            Assert.StartsWith("admin token: ", line, StringComparison.Ordinal);
            admin = line["admin token: ".Length..];
            Assert.True(TokenSecrets.HasSecretShape(admin), $"'{admin}' is not a bearer secret");
            Assert.True(File.Exists(Path.Combine(dataDir, "strive.db")));

            using var client = new StriveClient(port);
            Assert.Equal(0, (await client.RollupAsync(admin)).Rollup.PartnershipCount);
            Assert.Equal(StatusCode.Unauthenticated, (await client.RollupStatusAsync(null)).Code);
            Assert.Equal(StatusCode.Unauthenticated, (await client.RollupStatusAsync(TokenSecrets.NewSecret())).Code);
            await client.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(admin, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
            {
                PartnershipId = "survives-restart",
                Profile = Profile("Survives Restart"),
            });

            silo.Terminate();
            Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
            Assert.Contains(silo.StderrLines, l => l.Contains("Silo stopped", StringComparison.Ordinal));
            Assert.DoesNotContain(admin, string.Join('\n', silo.StderrLines), StringComparison.Ordinal);
        }

        await using (var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir))
        {
            var port = await silo.WaitForReadyAsync();
            Assert.DoesNotContain(silo.StdoutLines, l => l.Contains("token", StringComparison.OrdinalIgnoreCase));

            using var client = new StriveClient(port);
            var partnership = await client.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(admin, "PartnershipService/GetPartnership", new GetPartnershipRequest { PartnershipId = "survives-restart" });
            Assert.Equal("Survives Restart", partnership.Partnership.Profile.DisplayName);
            Assert.Equal(1, await EventualPartnershipCountAsync(client, admin, 1));
            Assert.Equal(StatusCode.AlreadyExists, (await client.StatusOfAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(admin, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
            {
                PartnershipId = "survives-restart",
                Profile = Profile("Again"),
            })).Code);

            silo.Terminate();
            Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        }
    }

    [Fact]
    public async Task DefaultDataDir_IsDataUnderTheWorkingDirectory_AndTheListenerIsLoopbackOnly()
    {
        await using var silo = SiloProcess.StartIn(_dir.Path, null, "--grpc-port", "0");
        var port = await silo.WaitForReadyAsync();
        Assert.True(File.Exists(Path.Combine(_dir.Path, "data", "strive.db")), "default storage is SQLite under ./data");

        using (var loopback = new TcpClient(AddressFamily.InterNetwork))
        {
            await loopback.ConnectAsync(IPAddress.Loopback, port).WaitAsync(TimeSpan.FromSeconds(10));
        }

        var others = NetworkInterface.GetAllNetworkInterfaces()
            .Where(n => n.OperationalStatus == OperationalStatus.Up)
            .SelectMany(n => n.GetIPProperties().UnicastAddresses)
            .Select(a => a.Address)
            .Where(a => !IPAddress.IsLoopback(a) && !a.IsIPv6LinkLocal)
            .Append(IPAddress.IPv6Loopback)
            .ToList();
        foreach (var address in others)
        {
            using var client = new TcpClient(address.AddressFamily);
            var exception = await Record.ExceptionAsync(() => client.ConnectAsync(address, port).WaitAsync(TimeSpan.FromSeconds(10)));
            // Refused, or dropped by a firewall (the bounded wait times out): either way not reachable.
            Assert.True(exception is SocketException or TimeoutException, $"connecting to {address}:{port} should be refused, got {exception?.GetType().Name ?? "a connection"}");
        }

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    [Theory]
    [InlineData("Host=127.0.0.1;Port=1;Password=s3cret-value", 1, "silo failed: NpgsqlException: Failed to connect to 127.0.0.1:1")]
    [InlineData("Host=127.0.0.1;Bogus=1;Password=s3cret-value", 2, "invalid settings: postgres connection string is not valid: Couldn't set bogus")]
    [InlineData("Host=127.0.0.1;Port=abc;Password=s3cret-value", 2, "invalid settings: postgres connection string is not valid: ")]
    public async Task BadPostgres_FailsWithAClearMessage_AndNeverPrintsThePassword(string connectionString, int exitCode, string message)
    {
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--storage", "postgres", "--postgres", connectionString);
        var code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(exitCode, code);
        Assert.Contains(silo.StderrLines, l => l.StartsWith(message, StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret-value", silo.AllOutput, StringComparison.Ordinal);
        Assert.DoesNotContain(silo.StdoutLines, l => l.StartsWith("gRPC listening", StringComparison.Ordinal) || l.StartsWith("admin token", StringComparison.Ordinal));
    }

    [Fact]
    public async Task BadEnvironmentValue_InTheRealProcess_Exits2WithOneClearLine()
    {
        var dataDir = _dir.Sub("data");
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["STRIVE_GRPC_PORT"] = "abc" }, "--data-dir", dataDir);

        Assert.Equal(2, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Equal(["invalid settings: STRIVE_GRPC_PORT must be an integer (got 'abc')"], silo.StderrLines);
        Assert.Empty(silo.StdoutLines);
        Assert.False(Directory.Exists(dataDir));
    }

    [Fact]
    public async Task PortInUse_FailsClearly_AndTheNextStartStillPrintsTheBootstrapToken()
    {
        var dataDir = _dir.Sub("data");
        var taken = new TcpListener(IPAddress.Loopback, 0);
        taken.Start();
        try
        {
            var port = ((IPEndPoint)taken.LocalEndpoint).Port;
            await using var failed = SiloProcess.Start(null, "--grpc-port", port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", dataDir);

            Assert.Equal(1, await failed.WaitForExitAsync(ExitTimeout));
            Assert.Contains(failed.StderrLines, l => l.StartsWith("silo failed: ", StringComparison.Ordinal) && l.Contains($"127.0.0.1:{port}", StringComparison.Ordinal));
            Assert.Empty(failed.StdoutLines);
        }
        finally
        {
            taken.Stop();
        }

        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir);
        await silo.WaitForReadyAsync();
        Assert.Single(silo.StdoutLines, l => l.StartsWith("admin token: snt_", StringComparison.Ordinal));
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    /// <summary>The network rollup is fed by a durable stream: polls (bounded) until it shows <paramref name="expected"/>.</summary>
    private static async Task<int> EventualPartnershipCountAsync(StriveClient client, string token, int expected)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(20);
        int count;
        while ((count = (await client.RollupAsync(token)).Rollup.PartnershipCount) != expected && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
        }

        return count;
    }

    internal static PartnershipProfile Profile(string name) => new()
    {
        DisplayName = name,
        UsState = "OH",
        GeographicScope = new GeographicScope { Level = GeographicScopeLevel.County, Description = "Test County" },
        FrameworkId = "toa-6g",
    };
}
