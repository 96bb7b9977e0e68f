namespace StriveNetwork.Grpc.Server;

/// <summary>
/// Runs around every server call (authentication, logging, metrics...). Throw <see cref="GrpcStatusException"/>
/// before calling <c>next</c> to reject the call without running the handler.
/// </summary>
public interface IGrpcInterceptor
{
    /// <summary>Intercepts one call; call <c>next</c> to continue.</summary>
    Task InterceptAsync(GrpcCallContext context, Func<GrpcCallContext, Task> next);
}
