using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace StriveNetwork.Silo.Tests.Dashboard;

/// <summary>
/// The dashboard's Data Protection key ring lives in <c>&lt;data-dir&gt;/dashboard-keys</c> (owner-only) with the
/// embedded profile, so a session cookie issued before a restart still opens the pages after it.
/// </summary>
public sealed class DashboardRestartTests
{
    [Fact]
    public async Task SessionCookie_SurvivesASiloRestart_OnTheSameDataDir()
    {
        using var dir = new TempDir();
        var webPort = FreePort();
        string[] args = ["--grpc-port", "0", "--data-dir", dir.Sub("data"), "--web-port", webPort.ToString(CultureInfo.InvariantCulture)];
        using var browser = new Browser(new Uri($"http://127.0.0.1:{webPort}"));

        await using (var first = SiloProcess.Start(null, args))
        {
            await first.WaitForReadyAsync();
            using var signedIn = await browser.SignInAsync(first.AdminToken());
            Assert.Equal(HttpStatusCode.Found, signedIn.StatusCode);
            using var before = await browser.GetAsync("/");
            Assert.Equal(HttpStatusCode.OK, before.StatusCode);
            first.Terminate();
            Assert.Equal(0, await first.WaitForExitAsync(TimeSpan.FromSeconds(60)));
        }

        var keys = dir.Sub(Path.Combine("data", "dashboard-keys"));
        var keyFiles = Directory.GetFiles(keys);
        Assert.NotEmpty(keyFiles);
        Assert.All(keyFiles, f => Assert.Matches("key-[0-9a-f-]+\\.xml$", f));
        Assert.False(OperatingSystem.IsWindows(), "Unix file modes");
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(keys));
            foreach (var file in keyFiles)
            {
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
            }
        }

        await using var second = SiloProcess.Start(null, args);
        await second.WaitForReadyAsync();
        using var after = await browser.GetAsync("/");
        Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        Assert.Contains("data-testid=\"signed-in-role\">NETWORK_ADMIN<", await after.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
