using StriveNetwork.Gateway.Auth;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// An open call's cancellation source is made only when its token is asked for (ADR 0014, addendum): whenever it is
/// asked, the token says the same as if it had existed from the registration on.
/// </summary>
public sealed class OpenCallTests
{
    [Fact]
    public void EndedBeforeTheTokenIsAsked_TheTokenIsCancelled()
    {
        var registry = new OpenCallRegistry();
        using var call = registry.Register("tok_a", "hash", null, CancellationToken.None);

        Assert.True(call.End(TokenRejection.Revoked));
        Assert.True(call.Ended.IsCancellationRequested);
        Assert.Equal(TokenRejection.Revoked, call.EndReason);
    }

    [Fact]
    public void AskedBeforeTheEnd_TheSameTokenIsCancelledByIt()
    {
        var registry = new OpenCallRegistry();
        using var call = registry.Register("tok_a", "hash", null, CancellationToken.None);
        var token = call.Ended;
        Assert.False(token.IsCancellationRequested);

        Assert.True(registry.EndToken("tok_a", TokenRejection.Expired) == 1);
        Assert.True(token.IsCancellationRequested);
        Assert.Equal(token, call.Ended);
    }

    [Fact]
    public void TheClientsCancellation_ReachesTheTokenWheneverItIsAsked()
    {
        var registry = new OpenCallRegistry();
        using var client = new CancellationTokenSource();
        using var early = registry.Register("tok_a", "hash", null, client.Token);
        using var late = registry.Register("tok_a", "hash", null, client.Token);
        var asked = early.Ended;

        client.Cancel();
        Assert.True(asked.IsCancellationRequested);
        Assert.True(late.Ended.IsCancellationRequested);
        Assert.Equal(TokenRejection.None, late.EndReason);
    }

    [Fact]
    public void Disposed_LeavesTheRegistry_AndCannotBeEndedAnyMore()
    {
        var registry = new OpenCallRegistry();
        var call = registry.Register("tok_a", "hash", null, CancellationToken.None);
        Assert.Equal(1, registry.Count);

        call.Dispose();
        Assert.Equal(0, registry.Count);
        Assert.False(call.End(TokenRejection.Revoked));
        Assert.False(call.Ended.IsCancellationRequested);
    }
}
