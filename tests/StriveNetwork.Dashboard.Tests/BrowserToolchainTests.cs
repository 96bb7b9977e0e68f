using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// The toolchain alone, without a silo: Playwright's driver (shipped in its NuGet package) starts offline and drives
/// the Debian Chromium, and axe-core runs in it and finds a violation it must find.
/// </summary>
public sealed class BrowserToolchainTests
{
    [Fact]
    public async Task Playwright_drives_the_debian_chromium_and_axe_reports_a_missing_label()
    {
        Assert.True(File.Exists(DashboardFixture.ChromiumPath), $"Chromium is missing at {DashboardFixture.ChromiumPath} (apt-get install chromium)");
        using var playwright = await Playwright.CreateAsync();
        await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions { ExecutablePath = DashboardFixture.ChromiumPath, Headless = true });
        var page = await browser.NewPageAsync();
        await page.SetContentAsync("<!doctype html><html lang=\"en\"><head><title>t</title></head><body><main><h1>Toolchain</h1><input type=\"text\"></main></body></html>");
        Assert.Equal("Toolchain", await page.InnerTextAsync("h1"));
        var result = await page.RunAxe();
        Assert.Contains(result.Violations, v => v.Id == "label");
    }
}
