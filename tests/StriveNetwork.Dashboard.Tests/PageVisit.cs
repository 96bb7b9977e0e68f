using System.Collections.Concurrent;
using System.Text.RegularExpressions;
using Deque.AxeCore.Commons;
using Deque.AxeCore.Playwright;
using Microsoft.Playwright;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// One test's browser context and page. It records every console error and page error (CSP violations are console
/// errors); <see cref="DisposeAsync"/> saves a full-page screenshot to
/// <c>artifacts/test-results/screenshots/&lt;test&gt;.png</c>, closes the context and fails the test on any error
/// recorded. Responses the test expects to fail (a 404 page, the 401 of a wrong token) are declared with
/// <see cref="ExpectStatus"/> so the browser's "Failed to load resource" line for them does not count.
/// </summary>
public sealed partial class PageVisit : IAsyncDisposable
{
    /// <summary>Desktop and phone sizes the dashboard must be readable at.</summary>
    public static readonly ViewportSize Desktop = new() { Width = 1280, Height = 800 };

    public static readonly ViewportSize Phone = new() { Width = 390, Height = 844 };

    private readonly DashboardFixture _fixture;
    private readonly string _name;
    private readonly ConcurrentQueue<string> _errors = new();
    private readonly HashSet<int> _expectedStatuses = [];
    private bool _disposed;

    private PageVisit(DashboardFixture fixture, string name, IBrowserContext context, IPage page)
    {
        _fixture = fixture;
        _name = name;
        Context = context;
        Page = page;
        page.Console += (_, message) =>
        {
            if (message.Type == "error" && !IsExpectedResourceError(message.Text))
            {
                _errors.Enqueue($"console error at {message.Location}: {message.Text}");
            }
        };
        page.PageError += (_, error) => _errors.Enqueue("page error: " + error);
    }

    public IBrowserContext Context { get; }

    public IPage Page { get; }

    /// <summary>The errors recorded so far.</summary>
    public IReadOnlyList<string> Errors => [.. _errors];

    public static async Task<PageVisit> OpenAsync(DashboardFixture fixture, string name, ViewportSize? viewport = null)
    {
        var context = await fixture.Browser.NewContextAsync(new BrowserNewContextOptions
        {
            ViewportSize = viewport ?? Desktop,
            BaseURL = fixture.BaseUrl,
            Locale = "en-US",
        });
        context.SetDefaultTimeout(20_000);
        var page = await context.NewPageAsync();
        return new PageVisit(fixture, name, context, page);
    }

    /// <summary>Opens a fresh context signed in with the token.</summary>
    public static async Task<PageVisit> SignedInAsync(DashboardFixture fixture, string name, string token, ViewportSize? viewport = null)
    {
        var visit = await OpenAsync(fixture, name, viewport);
        await visit.SignInAsync(token);
        return visit;
    }

    /// <summary>A response status the test expects (its console line is not an error).</summary>
    public void ExpectStatus(int status) => _expectedStatuses.Add(status);

    /// <summary>Signs in through the form and waits for the overview.</summary>
    public async Task SignInAsync(string token)
    {
        await GotoAsync("/signin");
        await Page.GetByLabel("Access token").FillAsync(token);
        await Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync();
        await Page.WaitForURLAsync(_fixture.BaseUrl + "/");
    }

    /// <summary>Navigates and returns the response (null only for same-document navigations).</summary>
    public async Task<IResponse> GotoAsync(string path)
    {
        var response = await Page.GotoAsync(path);
        Assert.NotNull(response);
        return response;
    }

    /// <summary>Runs axe-core's WCAG 2 A and AA rules on the current page and fails on any violation.</summary>
    public async Task AssertAccessibleAsync()
    {
        var result = await Page.RunAxe(new AxeRunOptions
        {
            RunOnly = new RunOnlyOptions { Type = "tag", Values = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"] },
        });
        var violations = result.Violations
            .Select(v => $"{v.Id} ({v.Impact}): {v.Help}; at {string.Join(" | ", v.Nodes.Take(3).Select(n => n.Html))}")
            .ToList();
        Assert.True(violations.Count == 0, $"axe found {violations.Count} WCAG 2 A/AA violation(s) on {Page.Url}:\n{string.Join('\n', violations)}");
    }

    /// <summary>The text of the single element with the data-testid, trimmed.</summary>
    public async Task<string> TextAsync(string testId) => (await Page.GetByTestId(testId).InnerTextAsync()).Trim();

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await Page.ScreenshotAsync(new PageScreenshotOptions { Path = ScreenshotPath(_name), FullPage = true });
        }
        catch (PlaywrightException)
        {
            // A page that crashed has no screenshot; its errors are reported below.
        }

        await Context.CloseAsync();
        var errors = Errors;
        Assert.True(errors.Count == 0, $"the browser reported {errors.Count} error(s):\n{string.Join('\n', errors)}");
    }

    /// <summary>artifacts/test-results/screenshots/&lt;name&gt;.png under the repository root.</summary>
    public static string ScreenshotPath(string name)
    {
        var dir = Path.Combine(RepositoryRoot(), "artifacts", "test-results", "screenshots");
        Directory.CreateDirectory(dir);
        return Path.Combine(dir, SafeName().Replace(name, "_") + ".png");
    }

    /// <summary>The folder holding StriveNetwork.sln, found upwards from the test assembly.</summary>
    public static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "StriveNetwork.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("StriveNetwork.sln not found above " + AppContext.BaseDirectory);
    }

    private bool IsExpectedResourceError(string text)
    {
        var match = ResourceStatus().Match(text);
        return match.Success && _expectedStatuses.Contains(int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    [GeneratedRegex(@"^Failed to load resource: the server responded with a status of (\d{3})")]
    private static partial Regex ResourceStatus();

    [GeneratedRegex(@"[^A-Za-z0-9_.-]")]
    private static partial Regex SafeName();
}
