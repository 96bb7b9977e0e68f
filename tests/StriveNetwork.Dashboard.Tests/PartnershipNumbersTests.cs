using Microsoft.Playwright;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// A partnership page's current gateway, designations met and report-card cells (suppressed ones too) equal
/// GetProgress and GetReportCard for the same partnership and year.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class PartnershipNumbersTests(DashboardFixture fixture)
{
    [Fact]
    public async Task The_partnership_page_equals_progress_and_report_card()
    {
        var (partnership, card) = await PartnershipWithSuppressedCellsAsync();
        var progress = await fixture.Channel.CallAsync<GetProgressRequest, GetProgressResponse>(fixture.AdminToken, "PartnershipService/GetProgress", new GetProgressRequest { PartnershipId = partnership.PartnershipId });
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(The_partnership_page_equals_progress_and_report_card), fixture.AdminToken);

        var response = await visit.GotoAsync($"/partnerships/{partnership.PartnershipId}?year={card.Year}");

        Assert.Equal(200, response.Status);
        Assert.Equal(partnership.DisplayName, (await visit.Page.Locator("main h1").InnerTextAsync()).Trim());
        Assert.Equal(ProtoName.Of(progress.Gateway), await visit.Page.GetByTestId("current-gateway").GetAttributeAsync("data-gateway"));
        await Assertions.Expect(visit.Page.GetByTestId("benchmark-matrix")).ToHaveCountAsync(1);

        Assert.NotEmpty(progress.Designations);
        foreach (var designation in progress.Designations)
        {
            var element = visit.Page.Locator($"[data-testid=designation][data-designation={ProtoName.Of(designation.Designation)}]");
            await Assertions.Expect(element).ToHaveCountAsync(1);
            Assert.Equal(designation.Met ? "true" : "false", await element.GetAttributeAsync("data-met"));
        }

        var expected = card.Outcomes.SelectMany(o => o.Indicators).SelectMany(i => i.Disaggregated).ToList();
        var cells = visit.Page.GetByTestId("report-card").GetByTestId("cell");
        Assert.Equal(expected.Count, await cells.CountAsync());

        var suppressed = visit.Page.GetByTestId("report-card").Locator("[data-testid=cell][data-suppressed=true]");
        Assert.Equal(expected.Count(c => c.Rate.ValueCase == Rate.ValueOneofCase.Suppressed), await suppressed.CountAsync());
        // Text content, not innerText: the disaggregated tables may sit in closed <details>.
        foreach (var text in await suppressed.AllTextContentsAsync())
        {
            Assert.Contains("suppressed", text, StringComparison.OrdinalIgnoreCase);
            Assert.DoesNotContain(text, char.IsDigit);
        }

        // Every shown rate is on the page as the API displays it (a multiset: two cells may show the same rate).
        var shownOnPage = (await visit.Page.GetByTestId("report-card").Locator("[data-testid=cell]:not([data-suppressed=true])").AllTextContentsAsync())
            .Select(t => t.Trim()).ToList();
        foreach (var display in expected.Where(c => c.Rate.ValueCase == Rate.ValueOneofCase.Shown && c.Rate.Shown.Display.Length > 0).Select(c => c.Rate.Shown.Display))
        {
            var index = shownOnPage.FindIndex(t => t == display || t.StartsWith(display + " ", StringComparison.Ordinal) || t.StartsWith(display + "\n", StringComparison.Ordinal));
            Assert.True(index >= 0, $"the rate {display} of GetReportCard is not on the page (cells: {string.Join(" | ", shownOnPage.Take(40))})");
            shownOnPage.RemoveAt(index);
        }
    }

    /// <summary>The first demo partnership whose latest report card has both shown and suppressed cells.</summary>
    private async Task<(PartnershipSummary Partnership, GetReportCardResponse Card)> PartnershipWithSuppressedCellsAsync()
    {
        foreach (var partnership in fixture.Partnerships.Where(p => p.PartnershipId.StartsWith("demo-", StringComparison.Ordinal)))
        {
            var card = await fixture.Channel.CallAsync<GetReportCardRequest, GetReportCardResponse>(fixture.AdminToken, "PartnershipService/GetReportCard", new GetReportCardRequest { PartnershipId = partnership.PartnershipId });
            var rates = card.Outcomes.SelectMany(o => o.Indicators).SelectMany(i => i.Disaggregated).Select(d => d.Rate.ValueCase).ToList();
            if (rates.Contains(Rate.ValueOneofCase.Suppressed) && rates.Contains(Rate.ValueOneofCase.Shown))
            {
                return (partnership, card);
            }
        }

        Assert.Fail("no demo partnership has a report card with both shown and suppressed cells");
        return default;
    }
}
