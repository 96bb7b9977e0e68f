using Microsoft.Playwright;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// The overview's numbers equal GetNetworkRollup's for the same rollup version (the page and the API are read until
/// they agree on the version: the rollup streams, so another test's write may land in between).
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class OverviewNumbersTests(DashboardFixture fixture)
{
    /// <summary>Set to 1 to (re)write the README's screenshot docs/images/overview.png from this test.</summary>
    public const string ReadmeScreenshotVariable = "STRIVE_WRITE_README_SCREENSHOT";

    [Fact]
    public async Task The_overview_numbers_equal_the_network_rollup()
    {
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(The_overview_numbers_equal_the_network_rollup), fixture.AdminToken, PageVisit.Desktop);
        var rollup = await SameVersionAsync(visit, fixture.AdminToken);

        Assert.Equal(rollup.PartnershipCount, await PageNumbers.NumberAsync(visit.Page.GetByTestId("network-partnership-count")));
        Assert.NotEmpty(rollup.Gateways);
        foreach (var gateway in rollup.Gateways)
        {
            var cell = visit.Page.Locator($"[data-testid=gateway-count][data-gateway={ProtoName.Of(gateway.Gateway)}]").First;
            Assert.Equal(gateway.PartnershipCount, await PageNumbers.NumberAsync(cell));
        }

        foreach (var designation in rollup.Designations)
        {
            var cell = visit.Page.Locator($"[data-testid=designation-count][data-designation={ProtoName.Of(designation.Designation)}]").First;
            Assert.Equal(designation.PartnershipCount, await PageNumbers.NumberAsync(cell));
        }

        Assert.NotEmpty(rollup.OutcomeTrends);
        foreach (var outcome in rollup.OutcomeTrends)
        {
            var row = visit.Page.Locator($"[data-testid=outcome-row][data-outcome={ProtoName.Of(outcome.Outcome)}]");
            await Assertions.Expect(row).ToHaveCountAsync(1);
            Assert.Equal(outcome.Improved, await PageNumbers.NumberAsync(row.GetByTestId("improved")));
            Assert.Equal(outcome.Maintained, await PageNumbers.NumberAsync(row.GetByTestId("maintained")));
            Assert.Equal(outcome.Worsened, await PageNumbers.NumberAsync(row.GetByTestId("worsened")));
            Assert.Equal(outcome.InsufficientData, await PageNumbers.NumberAsync(row.GetByTestId("insufficient")));
        }

        if (Environment.GetEnvironmentVariable(ReadmeScreenshotVariable) == "1")
        {
            await visit.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
            var path = Path.Combine(PageVisit.RepositoryRoot(), "docs", "images", "overview.png");
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await visit.Page.ScreenshotAsync(new PageScreenshotOptions { Path = path, FullPage = false });
        }
    }

    [Fact]
    public async Task A_partnership_token_sees_the_same_network_aggregates()
    {
        var token = await fixture.PartnershipTokenAsync(fixture.Partnerships[0].PartnershipId);
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_partnership_token_sees_the_same_network_aggregates), token);
        var rollup = await SameVersionAsync(visit, token);

        Assert.Equal(rollup.PartnershipCount, await PageNumbers.NumberAsync(visit.Page.GetByTestId("network-partnership-count")));
        foreach (var gateway in rollup.Gateways)
        {
            Assert.Equal(gateway.PartnershipCount, await PageNumbers.NumberAsync(visit.Page.Locator($"[data-testid=gateway-count][data-gateway={ProtoName.Of(gateway.Gateway)}]").First));
        }
    }

    /// <summary>Loads the overview until its rollup version is the API's (at most 10 tries) and returns that rollup.</summary>
    internal async Task<NetworkRollup> SameVersionAsync(PageVisit visit, string token)
    {
        for (var attempt = 0; attempt < 10; attempt++)
        {
            var rollup = await fixture.RollupAsync(token);
            var response = await visit.GotoAsync("/");
            Assert.Equal(200, response.Status);
            if (await PageNumbers.NumberAsync(visit.Page.GetByTestId("rollup-version")) == rollup.Version)
            {
                return rollup;
            }

            await Task.Delay(500);
        }

        Assert.Fail("the overview and GetNetworkRollup did not agree on a rollup version in 10 tries");
        return null!;
    }
}
