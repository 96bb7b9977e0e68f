using Microsoft.AspNetCore.Http;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The user state an authorized call's handler sees: Grpc.AspNetCore's per-call lookup of the HttpContext is answered
/// without preparing the inner context's dictionary; every other use prepares it with the HttpContext and the caller.
/// </summary>
public sealed class AuthorizedUserStateTests
{
    private static readonly Caller Viewer = new("tok-1", TokenRole.NetworkViewer, null);

    [Fact]
    public void TheHttpContextLookup_IsAnsweredWithoutTouchingTheInnerState()
    {
        var inner = new FakeServerCallContext("/strive.v1.PartnershipService/GetPartnership", "secret");
        var http = new DefaultHttpContext();
        var state = new AuthorizedUserState(inner, http, Viewer);

        Assert.True(state.TryGetValue(AuthorizedUserState.HttpContextKey, out var found));
        Assert.Same(http, found);
        Assert.True(state.ContainsKey(AuthorizedUserState.HttpContextKey));
        Assert.Empty(inner.UserState);
    }

    [Fact]
    public void AnyOtherUse_PreparesTheInnerStateWithTheHttpContextAndTheCaller()
    {
        var inner = new FakeServerCallContext("/strive.v1.PartnershipService/GetPartnership", "secret");
        var http = new DefaultHttpContext();
        var state = new AuthorizedUserState(inner, http, Viewer);

        Assert.False(state.TryGetValue("other", out _));
        state["mine"] = 42;

        Assert.Same(http, inner.UserState[AuthorizedUserState.HttpContextKey]);
        Assert.Equal(42, inner.UserState["mine"]);
        Assert.Same(Viewer, inner.GetCaller());
        Assert.Equal(3, state.Count);
        Assert.Same(http, state[AuthorizedUserState.HttpContextKey]);
    }

    [Fact]
    public void WithoutAnHttpContext_TheLookupFindsNothingAndTheCallerIsStillThere()
    {
        var inner = new FakeServerCallContext("/strive.v1.PartnershipService/GetPartnership", "secret");
        var state = new AuthorizedUserState(inner, null, Viewer);

        Assert.False(state.TryGetValue(AuthorizedUserState.HttpContextKey, out _));
        Assert.Same(Viewer, inner.GetCaller());
        Assert.Throws<KeyNotFoundException>(() => state[AuthorizedUserState.HttpContextKey]);
    }
}
