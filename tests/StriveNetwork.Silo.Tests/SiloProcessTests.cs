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
    public async Task FirstStart_WritesOneWorkingAdminTokenToAnOwnerOnlyFile_SigtermStopsCleanly_RestartKeepsTokenAndData()
    {
        var dataDir = _dir.Sub("data");
        string admin;
        await using (var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", dataDir))
        {
            var port = await silo.WaitForReadyAsync();
            Assert.NotEqual(0, port);

            // stdout is a pipe here, not a terminal: the secret goes to a 0600 file and only its path is printed.
            var tokenFile = Path.Combine(dataDir, "admin-token");
            var tokenLines = silo.StdoutLines.Where(l => l.Contains("token", StringComparison.OrdinalIgnoreCase)).ToList();
            Assert.Equal(2, tokenLines.Count);
            Assert.Equal($"admin token written to {tokenFile} (owner-only; stdout is not a terminal)", tokenLines[0]);
            Assert.Matches(@"^bootstrap admin token tok_\w+ expires \d{4}-\d\d-\d\d \d\d:\d\d:\d\dZ: issue named admin tokens \(AdminService.IssueToken\) and revoke this one$", tokenLines[1]);
            admin = silo.AdminToken();
            Assert.True(TokenSecrets.HasSecretShape(admin), $"'{admin}' is not a bearer secret");
            Assert.True(File.Exists(Path.Combine(dataDir, "strive.db")));
            AssertOwnerOnly(dataDir);

            using var client = new StriveClient(port);
            Assert.Equal(0, (await client.RollupAsync(admin)).Rollup.PartnershipCount);
            Assert.Equal(StatusCode.Unauthenticated, (await client.RollupStatusAsync(null)).Code);
            Assert.Equal(StatusCode.Unauthenticated, (await client.RollupStatusAsync(TokenSecrets.NewSecret())).Code);
            await client.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(admin, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
            {
                PartnershipId = "survives-restart",
                Profile = Profile("Survives Restart"),
            });

            // The bootstrap token expires (24 h by default).
            var listed = await client.CallAsync<ListTokensRequest, ListTokensResponse>(admin, "AdminService/ListTokens", new ListTokensRequest());
            var expiry = Assert.Single(listed.Tokens).ExpireTime.ToDateTimeOffset();
            Assert.InRange(expiry, DateTimeOffset.UtcNow.AddHours(23), DateTimeOffset.UtcNow.AddHours(24));

            silo.Terminate();
            Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
            Assert.Contains(silo.StderrLines, l => l.Contains("Silo stopped", StringComparison.Ordinal));

            // Every line the process wrote, logs (stderr) and stdout: the secret is in none of them.
            Assert.DoesNotContain(admin, silo.AllOutput, StringComparison.Ordinal);
            AssertOwnerOnly(dataDir);
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
    [InlineData("Host=127.0.0.1;Port=1;Password=s3cret-value", 1, "silo failed: PostgreSQL ")]
    [InlineData("Host=127.0.0.1;Bogus=1;Password=s3cret-value", 2, "invalid settings: postgres connection string is not valid: Couldn't set bogus")]
    [InlineData("Host=127.0.0.1;Port=abc;Password=s3cret-value", 2, "invalid settings: postgres connection string is not valid: ")]
    public async Task BadPostgres_FailsWithAClearMessage_AndNeverPrintsThePassword(string connectionString, int exitCode, string message)
    {
        // In the environment (only the process's owner can read it), never on the command line.
        await using var silo = SiloProcess.Start(new Dictionary<string, string> { ["STRIVE_POSTGRES"] = connectionString }, "--grpc-port", "0", "--storage", "postgres");
        var code = await silo.WaitForExitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal(exitCode, code);
        Assert.Contains(silo.StderrLines, l => l.StartsWith(message, StringComparison.Ordinal) && (exitCode == 2 || l.Contains("is unavailable", StringComparison.Ordinal) && l.EndsWith("Failed to connect to 127.0.0.1:1", StringComparison.Ordinal)));
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
        Assert.True(TokenSecrets.HasSecretShape(silo.AdminToken()));
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    [Fact]
    public async Task PostgresPasswordOnTheCommandLine_IsRefused_AndNeverPrinted()
    {
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--storage", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Password=s3cret-value");

        Assert.Equal(2, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains(silo.StderrLines, l => l.StartsWith("invalid settings: --postgres must not contain a password", StringComparison.Ordinal) && l.Contains("STRIVE_POSTGRES_PASSWORD", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret-value", silo.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostgresPasswordFromAFile_IsMergedIntoTheConnectionString_AndNeverPrinted()
    {
        var passwordFile = _dir.Sub("pg-password");
        await File.WriteAllTextAsync(passwordFile, "s3cret-value\n");
        await using var silo = SiloProcess.Start(
            new Dictionary<string, string> { ["STRIVE_POSTGRES_PASSWORD_FILE"] = passwordFile },
            "--grpc-port", "0", "--storage", "postgres", "--postgres", "Host=127.0.0.1;Port=1;Username=strive");

        // It gets as far as connecting (port 1 refuses), with the password read; nothing shows it.
        Assert.Equal(1, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains(silo.StderrLines, l => l.StartsWith("silo failed: PostgreSQL ", StringComparison.Ordinal) && l.EndsWith("Failed to connect to 127.0.0.1:1", StringComparison.Ordinal));
        Assert.DoesNotContain("s3cret-value", silo.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminTokenFromAFile_IsTheBootstrapToken_NeverPrinted_AndTtlNeverKeepsItForever()
    {
        var dataDir = _dir.Sub("data");
        var secret = TokenSecrets.NewSecret();
        var secretFile = _dir.Sub("admin-secret");
        await File.WriteAllTextAsync(secretFile, secret + "\n");
        await using var silo = SiloProcess.Start(
            new Dictionary<string, string> { ["STRIVE_ADMIN_TOKEN_FILE"] = secretFile },
            "--grpc-port", "0", "--data-dir", dataDir, "--admin-token-ttl", "never");
        var port = await silo.WaitForReadyAsync();

        Assert.Contains($"bootstrap admin token registered from the file {secretFile}", silo.StdoutLines);
        Assert.Contains(silo.StdoutLines, l => l.StartsWith("bootstrap admin token tok_", StringComparison.Ordinal) && l.Contains(" never expires: ", StringComparison.Ordinal));
        Assert.False(File.Exists(Path.Combine(dataDir, "admin-token")), "a supplied secret is not written anywhere");
        using var client = new StriveClient(port);
        var listed = await client.CallAsync<ListTokensRequest, ListTokensResponse>(secret, "AdminService/ListTokens", new ListTokensRequest());
        Assert.Null(Assert.Single(listed.Tokens).ExpireTime);

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.DoesNotContain(secret, silo.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AdminTokenFromTheEnvironment_IsTheBootstrapToken_AndNeverPrinted()
    {
        var secret = TokenSecrets.NewSecret();
        await using var silo = SiloProcess.Start(
            new Dictionary<string, string> { ["STRIVE_ADMIN_TOKEN"] = secret, ["STRIVE_ADMIN_TOKEN_TTL"] = "2h" },
            "--grpc-port", "0", "--data-dir", _dir.Sub("data"));
        var port = await silo.WaitForReadyAsync();

        Assert.Contains("bootstrap admin token registered from STRIVE_ADMIN_TOKEN", silo.StdoutLines);
        using var client = new StriveClient(port);
        var listed = await client.CallAsync<ListTokensRequest, ListTokensResponse>(secret, "AdminService/ListTokens", new ListTokensRequest());
        Assert.InRange(Assert.Single(listed.Tokens).ExpireTime.ToDateTimeOffset(), DateTimeOffset.UtcNow.AddHours(1), DateTimeOffset.UtcNow.AddHours(2));

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.DoesNotContain(secret, silo.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RevocationPollIntervalOutOfRange_StopsTheStart()
    {
        await using var silo = SiloProcess.Start(
            new Dictionary<string, string> { ["Strive__Auth__RevocationPollInterval"] = "00:00:05" },
            "--grpc-port", "0", "--data-dir", _dir.Sub("data"));

        Assert.Equal(1, await silo.WaitForExitAsync(ExitTimeout));
        Assert.Contains(silo.StderrLines, l => l.StartsWith("silo failed: ", StringComparison.Ordinal) && l.Contains("Strive:Auth:RevocationPollInterval must be within 20 ms..750 ms", StringComparison.Ordinal));
        Assert.DoesNotContain(silo.StdoutLines, l => l.StartsWith("gRPC listening", StringComparison.Ordinal));
    }

    /// <summary>The data directory (0700) and every file the silo and SQLite made in it (0600).</summary>
    private static void AssertOwnerOnly(string dataDir)
    {
        Assert.False(OperatingSystem.IsWindows(), "Unix file modes");
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dataDir));
        var files = Directory.GetFiles(dataDir).Select(Path.GetFileName).ToList();
        Assert.Contains("strive.db", files);
        Assert.Contains("silo.lock", files);
        foreach (var file in files)
        {
            Assert.True(
                File.GetUnixFileMode(Path.Combine(dataDir, file!)) == (UnixFileMode.UserRead | UnixFileMode.UserWrite),
                $"{file} is {File.GetUnixFileMode(Path.Combine(dataDir, file!))}, not owner-only");
        }
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
