using Grpc.Core;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// The context an authorized call's handler sees: the real one with a cancellation token that also fires when the
/// call's token is revoked or expires (<see cref="OpenCall.Ended"/>), and the call's <see cref="Caller"/>. Everything
/// else is forwarded, including <see cref="ServerCallContext.UserState"/> (where the caller is also put, so it is
/// found either way) and the HttpContext behind <c>GetHttpContext()</c>.
/// </summary>
/// <remarks>
/// Both the cancellation token and the user state are prepared on first use only. Grpc.AspNetCore reads the user state
/// of every call (its service activation looks up the HttpContext there), so <see cref="AuthorizedUserState"/> answers
/// that lookup itself: a call answered from the response cache costs neither a cancellation source nor the inner
/// context's user-state dictionary.
/// </remarks>
internal sealed class AuthorizedServerCallContext : ServerCallContext
{
    private readonly ServerCallContext _inner;
    private readonly OpenCall _call;
    private AuthorizedUserState? _userState;

    public AuthorizedServerCallContext(ServerCallContext inner, OpenCall call, Caller caller)
    {
        _inner = inner;
        _call = call;
        Caller = caller;
    }

    /// <summary>The authenticated caller.</summary>
    public Caller Caller { get; }

    private static object? HttpContextOf(ServerCallContext context)
    {
        try
        {
            return context.GetHttpContext();
        }
        catch (InvalidOperationException)
        {
            // A context that is not Grpc.AspNetCore's (unit tests): nothing to forward.
            return null;
        }
    }

    protected override string MethodCore => _inner.Method;

    protected override string HostCore => _inner.Host;

    protected override string PeerCore => _inner.Peer;

    protected override DateTime DeadlineCore => _inner.Deadline;

    protected override Metadata RequestHeadersCore => _inner.RequestHeaders;

    protected override CancellationToken CancellationTokenCore => _call.Ended;

    protected override Metadata ResponseTrailersCore => _inner.ResponseTrailers;

    protected override Status StatusCore
    {
        get => _inner.Status;
        set => _inner.Status = value;
    }

    protected override WriteOptions? WriteOptionsCore
    {
        get => _inner.WriteOptions;
        set => _inner.WriteOptions = value;
    }

    protected override AuthContext AuthContextCore => _inner.AuthContext;

    protected override IDictionary<object, object> UserStateCore => _userState ??= new AuthorizedUserState(_inner, HttpContextOf(_inner), Caller);

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
}
