using System.Net;
using System.Net.Http.Headers;
using System.Net.Sockets;
using System.Text;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests;

/// <summary>The Orleans Dashboard of the real silo process: off by default, on its own port, NETWORK_ADMIN only.</summary>
public sealed class DashboardTests : IDisposable
{
    private static readonly TimeSpan ExitTimeout = TimeSpan.FromSeconds(40);
    private readonly TempDir _dir = new();

    public void Dispose() => _dir.Dispose();

    [Fact]
    public async Task Dashboard_OnItsPort_AnswersOnlyAdminTokens_AsBasicPasswordOrBearer()
    {
        var dashboardPort = FreePort();
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", _dir.Sub("data"), "--dashboard-port", dashboardPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var grpcPort = await silo.WaitForReadyAsync();
        Assert.Contains(silo.StdoutLines, l => l.StartsWith($"Orleans Dashboard on http://127.0.0.1:{dashboardPort}/", StringComparison.Ordinal));
        var admin = silo.AdminToken();

        using var grpc = new StriveClient(grpcPort);
        var viewer = (await grpc.CallAsync<IssueTokenRequest, IssueTokenResponse>(admin, "AdminService/IssueToken", new IssueTokenRequest
        {
            Role = Role.NetworkViewer,
            Description = "dashboard test viewer",
        })).Secret;

        using var http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{dashboardPort}/") };
        using (var anonymous = await http.GetAsync(new Uri("/", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
            Assert.Contains("Basic", anonymous.Headers.WwwAuthenticate.ToString(), StringComparison.Ordinal);
        }

        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, Basic(viewer)));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, Basic(TokenSecrets.NewSecret())));
        Assert.Equal(HttpStatusCode.Unauthorized, await StatusAsync(http, new AuthenticationHeaderValue("Bearer", viewer)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, Basic(admin)));
        Assert.Equal(HttpStatusCode.OK, await StatusAsync(http, new AuthenticationHeaderValue("Bearer", admin)));

        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
        Assert.DoesNotContain(admin, silo.AllOutput, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Dashboard_IsOffByDefault()
    {
        var dashboardPort = FreePort();
        await using var silo = SiloProcess.Start(null, "--grpc-port", "0", "--data-dir", _dir.Sub("off"));
        await silo.WaitForReadyAsync();
        Assert.DoesNotContain(silo.StdoutLines, l => l.Contains("Dashboard", StringComparison.Ordinal));
        using var client = new TcpClient();
        await Assert.ThrowsAnyAsync<SocketException>(() => client.ConnectAsync(IPAddress.Loopback, dashboardPort));
        silo.Terminate();
        Assert.Equal(0, await silo.WaitForExitAsync(ExitTimeout));
    }

    private static AuthenticationHeaderValue Basic(string secret) =>
        new("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes("operator:" + secret)));

    private static async Task<HttpStatusCode> StatusAsync(HttpClient http, AuthenticationHeaderValue authorization)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri("/", UriKind.Relative));
        request.Headers.Authorization = authorization;
        using var response = await http.SendAsync(request);
        return response.StatusCode;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
