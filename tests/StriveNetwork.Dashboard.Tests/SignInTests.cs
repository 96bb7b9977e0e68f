using Microsoft.Playwright;

namespace StriveNetwork.Dashboard.Tests;

/// <summary>Sign-in with a token: the session cookie for a good one; the message, 401 and no cookie for a wrong one.</summary>
[Collection(DashboardCollection.Name)]
public sealed class SignInTests(DashboardFixture fixture)
{
    [Fact]
    public async Task A_good_token_signs_in_with_an_http_only_strict_session_cookie()
    {
        await using var visit = await PageVisit.OpenAsync(fixture, nameof(A_good_token_signs_in_with_an_http_only_strict_session_cookie));
        await visit.SignInAsync(fixture.AdminToken);

        Assert.Equal("NETWORK_ADMIN", await visit.TextAsync("signed-in-role"));
        var cookie = Assert.Single(await visit.Context.CookiesAsync(), c => c.Name == "strive_session");
        Assert.True(cookie.HttpOnly);
        Assert.Equal(SameSiteAttribute.Strict, cookie.SameSite);
        Assert.DoesNotContain(fixture.AdminToken, cookie.Value, StringComparison.Ordinal);
        Assert.DoesNotContain(fixture.AdminToken, await visit.Page.ContentAsync(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_viewer_token_shows_its_role()
    {
        await using var visit = await PageVisit.SignedInAsync(fixture, nameof(A_viewer_token_shows_its_role), fixture.ViewerToken);
        Assert.Equal("NETWORK_VIEWER", await visit.TextAsync("signed-in-role"));
    }

    [Fact]
    public async Task A_wrong_token_shows_the_message_with_401_and_sets_no_cookie()
    {
        await using var visit = await PageVisit.OpenAsync(fixture, nameof(A_wrong_token_shows_the_message_with_401_and_sets_no_cookie));
        visit.ExpectStatus(401);
        await visit.GotoAsync("/signin");
        const string wrong = "not-a-real-token-0123456789abcdef";
        await visit.Page.GetByLabel("Access token").FillAsync(wrong);
        var response = await visit.Page.RunAndWaitForResponseAsync(
            () => visit.Page.GetByRole(AriaRole.Button, new() { Name = "Sign in" }).ClickAsync(),
            r => r.Request.Method == "POST" && r.Url.EndsWith("/signin", StringComparison.Ordinal));

        Assert.Equal(401, response.Status);
        await Assertions.Expect(visit.Page.GetByText("That token was not accepted.")).ToBeVisibleAsync();
        Assert.DoesNotContain(wrong, await visit.Page.ContentAsync(), StringComparison.Ordinal);
        Assert.DoesNotContain(await visit.Context.CookiesAsync(), c => c.Name == "strive_session");
    }

    [Fact]
    public async Task Without_a_session_a_page_redirects_to_sign_in()
    {
        await using var visit = await PageVisit.OpenAsync(fixture, nameof(Without_a_session_a_page_redirects_to_sign_in));
        var response = await visit.GotoAsync("/partnerships");
        Assert.Equal(200, response.Status);
        Assert.EndsWith("/signin", new Uri(visit.Page.Url).AbsolutePath, StringComparison.Ordinal);
        Assert.NotNull(response.Request.RedirectedFrom);
    }
}
