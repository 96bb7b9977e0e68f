using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Tests.Dashboard;

/// <summary>
/// One silo process with the people's dashboard on a free port and two partnerships, shared by
/// <see cref="DashboardWebTests"/> (a silo start costs seconds of CPU).
/// </summary>
public sealed partial class DashboardSilo : IAsyncLifetime
{
    public const string Town = "web-town";
    public const string OtherTown = "other-web-town";
    public const string OtherTownName = "Elsewhere Heights";
    private readonly TempDir _dir = new();
    private SiloProcess? _silo;

    public int GrpcPort { get; private set; }

    public int WebPort { get; private set; }

    public string Admin { get; private set; } = "";

    public StriveClient Grpc { get; private set; } = null!;

    /// <summary>The silo's ASPNETCORE_TEMP.</summary>
    public string AspNetTemp => _dir.Sub("aspnet-temp");

    /// <summary>The import page's spool in the silo's data directory.</summary>
    public string ImportSpool => System.IO.Path.Combine(_dir.Sub("data"), "import-spool");

    public async Task InitializeAsync()
    {
        WebPort = FreePort();

        // ASP.NET's own temp folder (where form binding would buffer uploads), private to this silo so a test can see it stays empty.
        Directory.CreateDirectory(AspNetTemp);
        _silo = SiloProcess.Start(new Dictionary<string, string> { ["ASPNETCORE_TEMP"] = AspNetTemp }, "--grpc-port", "0", "--data-dir", _dir.Sub("data"), "--web-port", WebPort.ToString(System.Globalization.CultureInfo.InvariantCulture));
        GrpcPort = await _silo.WaitForReadyAsync();
        Assert.Contains($"dashboard on http://127.0.0.1:{WebPort}/", _silo.StdoutLines);
        Admin = _silo.AdminToken();
        Grpc = new StriveClient(GrpcPort);
        foreach (var (id, name) in new[] { (Town, "Web Town"), (OtherTown, OtherTownName) })
        {
            await Grpc.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(Admin, "PartnershipService/RegisterPartnership",
                new RegisterPartnershipRequest { PartnershipId = id, Profile = SiloProcessTests.Profile(name) });
        }
    }

    public async Task<IssueTokenResponse> IssueAsync(Role role, string? partnership = null) =>
        await Grpc.CallAsync<IssueTokenRequest, IssueTokenResponse>(Admin, "AdminService/IssueToken",
            new IssueTokenRequest { Role = role, PartnershipId = partnership ?? "", Description = "dashboard test" });

    /// <summary>A browser-like client: its own cookies, redirects not followed.</summary>
    public Browser NewBrowser() => new(new Uri($"http://127.0.0.1:{WebPort}"));

    public async Task DisposeAsync()
    {
        Grpc?.Dispose();
        if (_silo is not null)
        {
            await _silo.DisposeAsync();
        }

        _dir.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>An HttpClient with a cookie jar that reads the antiforgery token of a form and signs in.</summary>
public sealed partial class Browser(Uri address) : IDisposable
{
    private readonly HttpClient _http = new(new HttpClientHandler { CookieContainer = new CookieContainer(), AllowAutoRedirect = false }) { BaseAddress = address, Timeout = TimeSpan.FromSeconds(60) };

    public Task<HttpResponseMessage> GetAsync(string path) => _http.GetAsync(path);

    /// <summary>GET <paramref name="formPage"/>, then POST its form to <paramref name="action"/> with the antiforgery token (unless told not to).</summary>
    public async Task<HttpResponseMessage> PostFormAsync(string formPage, string action, IEnumerable<KeyValuePair<string, string>> fields, bool withAntiforgery = true)
    {
        var page = await (await _http.GetAsync(formPage)).Content.ReadAsStringAsync();
        var values = fields.ToList();
        if (withAntiforgery)
        {
            values.Add(new("__RequestVerificationToken", AntiforgeryField().Match(page).Groups[1].Value));
        }

        return await _http.PostAsync(action, new FormUrlEncodedContent(values));
    }

    public Task<HttpResponseMessage> SignInAsync(string token) => PostFormAsync("/signin", "/signin", [new("token", token)]);

    /// <summary>The antiforgery token of the form on <paramref name="formPage"/>.</summary>
    public async Task<string> AntiforgeryTokenAsync(string formPage) =>
        AntiforgeryField().Match(await (await _http.GetAsync(formPage)).Content.ReadAsStringAsync()).Groups[1].Value;

    /// <summary>POSTs <paramref name="content"/> to <paramref name="action"/>.</summary>
    public Task<HttpResponseMessage> PostAsync(string action, HttpContent content) => _http.PostAsync(action, content);

    public void Dispose() => _http.Dispose();

    [GeneratedRegex("name=\"__RequestVerificationToken\" value=\"([^\"]+)\"")]
    private static partial Regex AntiforgeryField();
}

/// <summary>
/// The dashboard over HTTP against a real silo: sign-in with a good and a wrong token, the session gate, antiforgery,
/// a partnership token kept out of another partnership's page, a revoked token's session ended, the security headers,
/// and the separation of the web and gRPC ports.
/// </summary>
public sealed partial class DashboardWebTests(DashboardSilo silo) : IClassFixture<DashboardSilo>
{
    [Fact]
    public async Task SignIn_WrongTokenIs401WithoutEcho_GoodTokenStartsAnHttpOnlyStrictSession()
    {
        using var browser = silo.NewBrowser();
        const string wrong = "snt_not-a-real-token-but-please-do-not-echo-me";
        using var refused = await browser.SignInAsync(wrong);
        var refusedBody = await refused.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Contains("That token was not accepted.", refusedBody, StringComparison.Ordinal);
        Assert.DoesNotContain(wrong, refusedBody, StringComparison.Ordinal);
        Assert.False(refused.Headers.TryGetValues("Set-Cookie", out var refusedCookies) && refusedCookies.Any(c => c.StartsWith("strive_session=", StringComparison.Ordinal)));

        using var accepted = await browser.SignInAsync(silo.Admin);
        Assert.Equal(HttpStatusCode.Found, accepted.StatusCode);
        Assert.Equal("/", accepted.Headers.Location?.OriginalString);
        var cookie = Assert.Single(accepted.Headers.GetValues("Set-Cookie"), c => c.StartsWith("strive_session=", StringComparison.Ordinal));
        Assert.Contains("httponly", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", cookie, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(silo.Admin, cookie, StringComparison.Ordinal);

        using var overview = await browser.GetAsync("/");
        var html = await overview.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, overview.StatusCode);
        Assert.Contains("data-testid=\"signed-in-role\">NETWORK_ADMIN<", html, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"network-partnership-count\">2<", html, StringComparison.Ordinal);

        // Signing out ends it.
        using var signedOut = await browser.PostFormAsync("/", "/signout", []);
        Assert.Equal(HttpStatusCode.Found, signedOut.StatusCode);
        using var after = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, after.StatusCode);
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/partnerships")]
    [InlineData("/partnerships/web-town")]
    [InlineData("/events/network")]
    public async Task Page_WithoutSession_RedirectsToSignIn(string path)
    {
        using var browser = silo.NewBrowser();
        using var response = await browser.GetAsync(path);
        Assert.Equal(HttpStatusCode.Found, response.StatusCode);
        Assert.Equal("/signin", response.Headers.Location?.OriginalString);
    }

    [Fact]
    public async Task Post_WithoutAntiforgeryToken_Is400_AndStartsNoSession()
    {
        using var browser = silo.NewBrowser();
        using var response = await browser.PostFormAsync("/signin", "/signin", [new("token", silo.Admin)], withAntiforgery: false);
        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        using var overview = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.Found, overview.StatusCode);
    }

    [Fact]
    public async Task PartnershipToken_OtherPartnershipsPage_Is404_WithNoTraceOfIt()
    {
        var token = await silo.IssueAsync(Role.Partnership, DashboardSilo.Town);
        using var browser = silo.NewBrowser();
        Assert.Equal(HttpStatusCode.Found, (await browser.SignInAsync(token.Secret)).StatusCode);

        using var own = await browser.GetAsync("/partnerships/" + DashboardSilo.Town);
        Assert.Equal(HttpStatusCode.OK, own.StatusCode);
        Assert.Contains("<h1>Web Town</h1>", await own.Content.ReadAsStringAsync(), StringComparison.Ordinal);

        foreach (var path in new[] { "/partnerships/" + DashboardSilo.OtherTown, "/partnerships/no-such-town" })
        {
            using var other = await browser.GetAsync(path);
            var html = await other.Content.ReadAsStringAsync();
            Assert.Equal(HttpStatusCode.NotFound, other.StatusCode);
            Assert.Contains("<h1>Not found</h1>", html, StringComparison.Ordinal);
            Assert.DoesNotContain(DashboardSilo.OtherTown, html, StringComparison.Ordinal);
            Assert.DoesNotContain(DashboardSilo.OtherTownName, html, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task RevokedToken_NextPageLoad_EndsTheSession()
    {
        var token = await silo.IssueAsync(Role.NetworkViewer);
        using var browser = silo.NewBrowser();
        Assert.Equal(HttpStatusCode.Found, (await browser.SignInAsync(token.Secret)).StatusCode);
        Assert.Equal(HttpStatusCode.OK, (await browser.GetAsync("/")).StatusCode);

        await silo.Grpc.CallAsync<RevokeTokenRequest, RevokeTokenResponse>(silo.Admin, "AdminService/RevokeToken", new RevokeTokenRequest { TokenId = token.Token.TokenId, Reason = "test" });

        // The gateway's token cache may answer for a few seconds (TokenAuthenticator.CacheTtl); bounded at 20 loads.
        HttpResponseMessage? response = null;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            response = await browser.GetAsync("/");
            if (response.StatusCode != HttpStatusCode.OK)
            {
                break;
            }

            await Task.Delay(500);
        }

        // NavigationManager redirects with an absolute URL.
        Assert.Equal(HttpStatusCode.Found, response!.StatusCode);
        Assert.Equal("/signin", response.Headers.Location?.AbsolutePath);
        Assert.Equal(HttpStatusCode.Found, (await browser.GetAsync("/partnerships")).StatusCode);
    }

    [Theory]
    [InlineData("/signin")]
    [InlineData("/css/site.css")]
    [InlineData("/no-such-page")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        using var browser = silo.NewBrowser();
        using var response = await browser.GetAsync(path);
        Assert.Equal(
            "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; frame-ancestors 'none'; form-action 'self'; base-uri 'none'",
            Assert.Single(response.Headers.GetValues("Content-Security-Policy")));
        Assert.Equal("nosniff", Assert.Single(response.Headers.GetValues("X-Content-Type-Options")));
        Assert.Equal("no-referrer", Assert.Single(response.Headers.GetValues("Referrer-Policy")));
    }

    [Fact]
    public async Task PartnershipPage_ChartsEveryPublishedYear_SuppressedYearIsAGapNeverANumber()
    {
        await silo.Grpc.CallAsync<DefineIndicatorRequest, DefineIndicatorResponse>(silo.Admin, "IndicatorService/DefineIndicator", new DefineIndicatorRequest
        {
            PartnershipId = DashboardSilo.Town,
            IndicatorId = "web-reading",
            Definition = new IndicatorDefinition
            {
                DisplayName = "Web reading",
                Outcome = Outcome.EarlyGradeReading,
                Kind = IndicatorKind.Core,
                Polarity = Polarity.HigherIsBetter,
                Unit = Unit.Percent,
                BaselineYear = 2021,
                DefinitionVersion = 1,
                Targets = { new Target { Year = 2026, Value = 60 } },
                Gaps = { new GapDefinition { GapId = "black-vs-all", Focal = new StriveNetwork.Gateway.V1.Group { Gender = Gender.All, Population = Population.Black }, ReferenceRule = GapReferenceRule.AllStudents } },
            },
        });
        static Observation Cell(int year, Population population, int numerator, int denominator) =>
            new() { Year = year, Gender = Gender.All, Population = population, Counts = new CellCounts { Numerator = numerator, Denominator = denominator } };
        await silo.Grpc.CallAsync<SubmitObservationsRequest, SubmitObservationsResponse>(silo.Admin, "IndicatorService/SubmitObservations", new SubmitObservationsRequest
        {
            PartnershipId = DashboardSilo.Town,
            IndicatorId = "web-reading",
            Observations =
            {
                Cell(2021, Population.AllStudents, 400, 1000), Cell(2021, Population.Black, 80, 250),
                // 2022: the total was suppressed by the source; it must be a gap, not a number.
                new Observation { Year = 2022, Gender = Gender.All, Population = Population.AllStudents, SuppressedAtSource = new SourceSuppression { Marker = "*" } },
                Cell(2022, Population.Black, 90, 250),
                Cell(2024, Population.AllStudents, 520, 1000), Cell(2024, Population.Black, 110, 250),
            },
        });

        using var browser = silo.NewBrowser();
        Assert.Equal(HttpStatusCode.Found, (await browser.SignInAsync(silo.Admin)).StatusCode);
        using var page = await browser.GetAsync("/partnerships/" + DashboardSilo.Town);
        var html = await page.Content.ReadAsStringAsync();
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);

        // The no-JS table: every year with data or a target, the total first, then the gap's focal group.
        Assert.Contains("data-testid=\"yearly-series\" data-indicator=\"web-reading\"", html, StringComparison.Ordinal);
        Assert.Equal(["2021", "2022", "2024", "2026"], SeriesYear().Matches(html).Select(m => m.Groups[1].Value));
        Assert.Contains("data-population=\"POPULATION_BLACK\"", html, StringComparison.Ordinal);
        var year2022 = SeriesRow(html, 2022);
        Assert.Matches("<th scope=\"row\">2022</th>\\s*<td class=\"suppressed\" data-testid=\"series-rate\" data-suppressed=\"true\"[^>]*>suppressed</td>", year2022);
        Assert.Contains(">36.0", year2022, StringComparison.Ordinal);
        Assert.Contains("data-testid=\"series-target\">60.0<", SeriesRow(html, 2026), StringComparison.Ordinal);

        // The chart's data: every year from the first to the last; 2022 (suppressed) and 2023 (no data) are nulls.
        var json = System.Text.Json.JsonDocument.Parse(System.Net.WebUtility.HtmlDecode(
            Regex.Match(html, "<script type=\"application/json\" id=\"yearly-web-reading\">(.*?)</script>", RegexOptions.Singleline).Groups[1].Value)).RootElement;
        Assert.Equal([2021, 2022, 2023, 2024, 2025, 2026], json.GetProperty("years").EnumerateArray().Select(y => y.GetInt32()));
        var total = json.GetProperty("lines")[0];
        Assert.Equal("All students", total.GetProperty("name").GetString());
        Assert.Equal("40|null|null|52|null|null", string.Join('|', total.GetProperty("values").EnumerateArray().Select(v => v.ValueKind == System.Text.Json.JsonValueKind.Null ? "null" : v.GetDouble().ToString(System.Globalization.CultureInfo.InvariantCulture))));
        Assert.Equal(60, json.GetProperty("targets")[5].GetDouble());
    }

    private static string SeriesRow(string html, int year) =>
        Regex.Match(html, $"<tr data-testid=\"series-year\" data-year=\"{year}\">(.*?)</tr>", RegexOptions.Singleline).Groups[1].Value;

    [GeneratedRegex("data-testid=\"series-year\" data-year=\"(\\d+)\"")]
    private static partial Regex SeriesYear();

    [Fact]
    public async Task WebPortServesNoGrpc_AndGrpcPortServesNoPage()
    {
        using var web = new StriveClient(silo.WebPort);
        var (code, _) = await web.RollupStatusAsync(silo.Admin);
        Assert.NotEqual(StatusCode.OK, code);

        using var h2c = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{silo.GrpcPort}"), DefaultRequestVersion = HttpVersion.Version20, DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact };
        foreach (var path in new[] { "/signin", "/", "/css/site.css" })
        {
            using var response = await h2c.GetAsync(path);
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        }
    }
}
