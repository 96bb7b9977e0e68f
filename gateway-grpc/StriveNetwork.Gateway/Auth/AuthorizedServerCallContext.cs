using Grpc.Core;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// The context an authorized call's handler sees: the real one with a cancellation token that also fires when the
/// call's token is revoked or expires (<see cref="OpenCall.Ended"/>). Everything else is forwarded, including
/// <see cref="ServerCallContext.UserState"/> (so the caller is found either way) and the HttpContext behind
/// <c>GetHttpContext()</c>.
/// </summary>
internal sealed class AuthorizedServerCallContext : ServerCallContext
{
    // Grpc.AspNetCore's GetHttpContext() looks here when the context is not its own.
    private const string HttpContextKey = "__HttpContext";

    private readonly ServerCallContext _inner;
    private readonly CancellationToken _cancellationToken;

    public AuthorizedServerCallContext(ServerCallContext inner, CancellationToken cancellationToken)
    {
        _inner = inner;
        _cancellationToken = cancellationToken;
        if (!inner.UserState.ContainsKey(HttpContextKey) && HttpContextOf(inner) is { } httpContext)
        {
            inner.UserState[HttpContextKey] = httpContext;
        }
    }

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

    protected override CancellationToken CancellationTokenCore => _cancellationToken;

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

    protected override IDictionary<object, object> UserStateCore => _inner.UserState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => _inner.CreatePropagationToken(options);

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => _inner.WriteResponseHeadersAsync(responseHeaders);
}
