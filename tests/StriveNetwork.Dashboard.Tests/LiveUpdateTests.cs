using Microsoft.Playwright;
using StriveNetwork.Gateway.Tests;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>
/// A change in the network reaches an open overview through the network watch (server-sent events) without a reload:
/// a marker put on the page's window object before the change is still there after the numbers moved.
/// </summary>
[Collection(DashboardCollection.Name)]
public sealed class LiveUpdateTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_new_partnership_appears_on_the_open_overview_without_reload()
    {
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_new_partnership_appears_on_the_open_overview_without_reload), fixture.AdminToken);
        await visit.GotoAsync("/");
        await visit.Page.WaitForLoadStateAsync(LoadState.NetworkIdle);
        var count = await PageNumbers.NumberAsync(visit.Page.GetByTestId("network-partnership-count"));
        var version = await PageNumbers.NumberAsync(visit.Page.GetByTestId("rollup-version"));
        await visit.Page.EvaluateAsync("() => { window.striveNoReloadMarker = 'still-here'; }");

        var id = "live-" + Guid.NewGuid().ToString("N")[..12];
        await fixture.Channel.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(fixture.AdminToken, "PartnershipService/RegisterPartnership", new RegisterPartnershipRequest
        {
            PartnershipId = id,
            Profile = new PartnershipProfile
            {
                DisplayName = "Live Update Partnership",
                UsState = "OH",
                GeographicScope = new GeographicScope { Level = GeographicScopeLevel.County, Description = "Test County" },
                FrameworkId = "toa-6g",
            },
        });

        // Bounded: the watch pushes within a second or two; 30 s covers a busy machine.
        var wait = TimeSpan.FromSeconds(30);
        await PageNumbers.WaitForNumberAsync(visit.Page.GetByTestId("network-partnership-count"), count + 1, wait);
        Assert.NotEqual(version, await PageNumbers.NumberAsync(visit.Page.GetByTestId("rollup-version")));

        // The page now shows the API's latest rollup in place: its version and every gateway count.
        var rollup = await fixture.RollupAsync(fixture.AdminToken);
        Assert.Equal(count + 1, rollup.PartnershipCount);
        await PageNumbers.WaitForNumberAsync(visit.Page.GetByTestId("rollup-version"), rollup.Version, wait);
        foreach (var gateway in rollup.Gateways)
        {
            var cell = visit.Page.Locator($"[data-testid=gateway-count][data-gateway={ProtoName.Of(gateway.Gateway)}]").First;
            Assert.Equal(gateway.PartnershipCount, await PageNumbers.NumberAsync(cell));
        }

        Assert.Equal("still-here", await visit.Page.EvaluateAsync<string>("() => window.striveNoReloadMarker"));
    }
}
