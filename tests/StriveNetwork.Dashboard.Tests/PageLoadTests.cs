using Microsoft.Playwright;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// Every page loads (200, an h1, a main landmark) with no console or page error, CSP violations included, at desktop
/// and phone sizes, and passes axe-core's WCAG 2 A/AA rules.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PageLoadTests(DashboardFixture fixture)
{
    /// <summary>Demo cohort id (silo/Demo/DemoPlan.cs).</summary>
    public const string DemoCohortId = "demo-early-literacy";

    public static TheoryData<string, string> Pages()
    {
        var data = new TheoryData<string, string>();
        foreach (var page in new[] { "overview", "list", "partnership", "cohort", "import" })
        {
            foreach (var size in new[] { "desktop", "phone" })
            {
                data.Add(page, size);
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(Pages))]
    public async Task Page_loads_without_errors_and_passes_axe(string page, string size)
    {
        var path = page switch
        {
            "overview" => "/",
            "list" => "/partnerships",
            "partnership" => "/partnerships/" + fixture.Partnerships[0].PartnershipId,
            "cohort" => "/cohorts/" + DemoCohortId,
            "import" => "/import",
            _ => throw new ArgumentOutOfRangeException(nameof(page)),
        };
        var viewport = size == "phone" ? PageVisit.Phone : PageVisit.Desktop;
        await using var visit = await PageVisit.SignedInAsync(fixture, $"page-{page}-{size}", fixture.AdminToken, viewport);

        var response = await visit.GotoAsync(path);
        await visit.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Equal(200, response.Status);
        await Assertions.Expect(visit.Page.Locator("main h1")).ToHaveCountAsync(1);
        Assert.Equal("en", await visit.Page.GetAttributeAsync("html", "lang"));
        Assert.Contains("no-store", (await response.AllHeadersAsync()).GetValueOrDefault("cache-control") ?? "", StringComparison.Ordinal);
        await visit.AssertAccessibleAsync();
    }

    [Fact]
    public async Task A_partnership_token_sees_its_own_page_without_errors_and_passes_axe()
    {
        var own = fixture.Partnerships[1];
        var token = await fixture.PartnershipTokenAsync(own.PartnershipId);
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_partnership_token_sees_its_own_page_without_errors_and_passes_axe), token);

        var response = await visit.GotoAsync("/partnerships/" + own.PartnershipId);
        await visit.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);

        Assert.Equal(200, response.Status);
        Assert.Equal("PARTNERSHIP", await visit.TextAsync("signed-in-role"));
        Assert.Equal(own.DisplayName, (await visit.Page.Locator("main h1").InnerTextAsync()).Trim());
        await visit.AssertAccessibleAsync();
    }
}
