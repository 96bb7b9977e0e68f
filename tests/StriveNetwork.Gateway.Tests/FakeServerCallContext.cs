using Grpc.Core;

namespace StriveNetwork.Gateway.Tests;

/// <summary>A server call context without a server, for driving an interceptor directly (method, bearer token, cancellation).</summary>
public sealed class FakeServerCallContext(string method, string? bearer, CancellationToken cancellationToken = default) : ServerCallContext
{
    private readonly Metadata _headers = bearer is null ? [] : new Metadata { { "authorization", "Bearer " + bearer } };
    private readonly Dictionary<object, object> _userState = [];

    protected override string MethodCore => method;

    protected override string HostCore => "127.0.0.1";

    protected override string PeerCore => "ipv4:127.0.0.1:1";

    protected override DateTime DeadlineCore => DateTime.MaxValue;

    protected override Metadata RequestHeadersCore => _headers;

    protected override CancellationToken CancellationTokenCore => cancellationToken;

    protected override Metadata ResponseTrailersCore { get; } = [];

    protected override Status StatusCore { get; set; }

    protected override WriteOptions? WriteOptionsCore { get; set; }

    protected override AuthContext AuthContextCore => new(null, []);

    protected override IDictionary<object, object> UserStateCore => _userState;

    protected override ContextPropagationToken CreatePropagationTokenCore(ContextPropagationOptions? options) => throw new NotSupportedException();

    protected override Task WriteResponseHeadersAsyncCore(Metadata responseHeaders) => Task.CompletedTask;
}
