using System.Net;
using System.Net.Sockets;
using Grpc.Net.Client;
using Microsoft.Playwright;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Silo.Tests;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>Every browser test shares one silo process and one Chromium (a silo start with the demo costs seconds).</summary>
[CollectionDefinition(Name)]
public sealed class DashboardCollection : ICollectionFixture<DashboardFixture>
{
    public const string Name = "dashboard";
}

/// <summary>
/// One real silo process (<c>--demo --grpc-port 0 --web-port &lt;free&gt; --data-dir &lt;tmp&gt;</c>), a gRPC channel to it
/// for the numbers the pages must equal, tokens per role, and the Debian Chromium driven by Playwright.
/// </summary>
public sealed class DashboardFixture : IAsyncLifetime
{
    /// <summary>Debian's chromium; Playwright never downloads a browser here.</summary>
    public const string ChromiumPath = "/usr/bin/chromium";

    private readonly string _dataDir = Path.Combine(Path.GetTempPath(), "strive-dashboard-tests-" + Guid.NewGuid().ToString("N"));
    private readonly Dictionary<string, string> _partnershipTokens = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _tokenLock = new(1, 1);
    private SiloProcess? _silo;
    private GrpcChannel? _channel;
    private IPlaywright? _playwright;
    private IBrowser? _browser;

    /// <summary>The dashboard's base address, e.g. <c>http://127.0.0.1:41234</c> (no trailing slash).</summary>
    public string BaseUrl { get; private set; } = "";

    public int GrpcPort { get; private set; }

    public string AdminToken { get; private set; } = "";

    public string ViewerToken { get; private set; } = "";

    public GrpcChannel Channel => _channel ?? throw new InvalidOperationException("fixture not started");

    public IBrowser Browser => _browser ?? throw new InvalidOperationException("fixture not started");

    public SiloProcess Silo => _silo ?? throw new InvalidOperationException("fixture not started");

    /// <summary>The demo's partnerships as the admin sees them (id order).</summary>
    public IReadOnlyList<PartnershipSummary> Partnerships { get; private set; } = [];

    public async Task InitializeAsync()
    {
        if (!File.Exists(ChromiumPath))
        {
            throw new InvalidOperationException(
                $"The browser tests need Chromium at {ChromiumPath} (Debian package 'chromium': apt-get install chromium); scripts/test.sh installs it. Playwright never downloads a browser here.");
        }

        Directory.CreateDirectory(_dataDir);
        var webPort = FreePort();
        _silo = SiloProcess.StartIn(_dataDir, null, "--demo", "--grpc-port", "0", "--web-port", webPort.ToString(System.Globalization.CultureInfo.InvariantCulture), "--data-dir", _dataDir);
        GrpcPort = await _silo.WaitForReadyAsync(TimeSpan.FromSeconds(180));
        var dashboardLine = await _silo.WaitForStdoutAsync(l => l.StartsWith("dashboard on ", StringComparison.Ordinal), TimeSpan.FromSeconds(5));
        Assert.Equal($"dashboard on http://127.0.0.1:{webPort}/", dashboardLine);
        BaseUrl = $"http://127.0.0.1:{webPort}";
        AdminToken = _silo.AdminToken();
        _channel = GrpcChannel.ForAddress($"http://127.0.0.1:{GrpcPort}");
        ViewerToken = await IssueTokenAsync(Role.NetworkViewer, "");
        Partnerships = await ListAllPartnershipsAsync(AdminToken);
        Assert.True(Partnerships.Count >= 2, "the demo network has partnerships");

        _playwright = await Playwright.CreateAsync();
        _browser = await _playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = ChromiumPath, Headless = true });
    }

    /// <summary>A PARTNERSHIP token for the partnership (issued once per id).</summary>
    public async Task<string> PartnershipTokenAsync(string partnershipId)
    {
        await _tokenLock.WaitAsync();
        try
        {
            if (!_partnershipTokens.TryGetValue(partnershipId, out var token))
            {
                token = await IssueTokenAsync(Role.Partnership, partnershipId);
                _partnershipTokens[partnershipId] = token;
            }

            return token;
        }
        finally
        {
            _tokenLock.Release();
        }
    }

    public async Task<string> IssueTokenAsync(Role role, string partnershipId)
    {
        var response = await Channel.CallAsync<IssueTokenRequest, IssueTokenResponse>(AdminToken, "AdminService/IssueToken", new IssueTokenRequest
        {
            Role = role,
            PartnershipId = partnershipId,
            Description = "dashboard browser tests",
        });
        return response.Secret;
    }

    public async Task<NetworkRollup> RollupAsync(string token) =>
        (await Channel.CallAsync<GetNetworkRollupRequest, GetNetworkRollupResponse>(token, "NetworkService/GetNetworkRollup", new GetNetworkRollupRequest())).Rollup;

    public async Task<IReadOnlyList<PartnershipSummary>> ListAllPartnershipsAsync(string token)
    {
        var all = new List<PartnershipSummary>();
        var pageToken = "";
        for (var page = 0; page < 100; page++)
        {
            var response = await Channel.CallAsync<ListPartnershipsRequest, ListPartnershipsResponse>(token, "NetworkService/ListPartnerships", new ListPartnershipsRequest { PageSize = 100, PageToken = pageToken });
            all.AddRange(response.Partnerships);
            pageToken = response.NextPageToken;
            if (string.IsNullOrEmpty(pageToken))
            {
                return all;
            }
        }

        throw new InvalidOperationException("ListPartnerships did not end within 100 pages");
    }

    public async Task DisposeAsync()
    {
        if (_browser is not null)
        {
            await _browser.CloseAsync();
        }

        _playwright?.Dispose();
        _channel?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _tokenLock.Dispose();
        try
        {
            Directory.Delete(_dataDir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
