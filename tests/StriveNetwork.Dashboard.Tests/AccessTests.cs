namespace StriveNetwork.Dashboard.Tests;

/// <summary>A PARTNERSHIP token opening another partnership's page gets 404, and nothing of that partnership is in the HTML.</summary>
[Collection(DashboardCollection.Name)]
public sealed class AccessTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_partnership_token_gets_404_for_another_partnership_with_no_trace_of_it()
    {
        var own = fixture.Partnerships[0];
        var other = fixture.Partnerships[^1];
        var token = await fixture.PartnershipTokenAsync(own.PartnershipId);
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_partnership_token_gets_404_for_another_partnership_with_no_trace_of_it), token);
        visit.ExpectStatus(404);

        var response = await visit.GotoAsync("/partnerships/" + other.PartnershipId);

        Assert.Equal(404, response.Status);
        var html = await response.TextAsync();
        Assert.Contains("Not found", html, StringComparison.Ordinal);
        Assert.DoesNotContain(other.PartnershipId, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(other.DisplayName, html, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain(other.PartnershipId, await visit.Page.ContentAsync(), StringComparison.OrdinalIgnoreCase);

        // Its own page is there, so the 404 is the access rule and not a broken page.
        var ownResponse = await visit.GotoAsync("/partnerships/" + own.PartnershipId);
        Assert.Equal(200, ownResponse.Status);
    }
}
