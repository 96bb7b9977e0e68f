using Grpc.Core;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using StriveNetwork.Dashboard.Api;
using StriveNetwork.Dashboard.Session;
using StriveNetwork.Gateway.Tokens;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Live;

/// <summary>
/// <c>GET /events/network</c>: server-sent events for the overview. One WatchNetworkRollup call per connection, with the
/// person's token; each rollup becomes an event <c>rollup</c> (<see cref="RollupJson"/>). A comment every
/// <see cref="Heartbeat"/> keeps proxies from closing an idle stream; the connection ends after
/// <see cref="MaxLifetime"/> (the browser reconnects) and when the API ends the call, e.g. UNAUTHENTICATED once the
/// token is revoked (then an event <c>signedout</c>).
/// </summary>
internal static partial class NetworkEvents
{
    /// <summary>Interval of the keep-alive comment.</summary>
    public static readonly TimeSpan Heartbeat = TimeSpan.FromSeconds(15);

    /// <summary>Longest life of one connection.</summary>
    public static readonly TimeSpan MaxLifetime = TimeSpan.FromMinutes(30);

    public static void Map(IEndpointRouteBuilder routes, string host) => routes.MapGet("/events/network", StreamAsync).RequireHost(host);

    private static async Task StreamAsync(HttpContext context, ApiChannel channel, LiveConnections connections, ILoggerFactory loggers)
    {
        var person = CurrentPerson.Required(context);
        using var lease = connections.TryOpen(SessionKey(person));
        if (lease is null)
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            context.Response.Headers.RetryAfter = "30";
            return;
        }

        using var lifetime = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted);
        lifetime.CancelAfter(MaxLifetime);
        var api = new StriveApi(channel, person);
        using var call = api.Network.WatchNetworkRollup(new V1.WatchNetworkRollupRequest(), api.With(MaxLifetime + TimeSpan.FromMinutes(1), lifetime.Token));
        var logger = loggers.CreateLogger(typeof(NetworkEvents).FullName!);
        var started = false;

        // One timer for the connection, not a delay per message. Every tick writes the comment, so the stream is never
        // quiet longer than Heartbeat (a busy one carries at most one comment per Heartbeat on top of its events).
        using var heartbeat = new PeriodicTimer(Heartbeat);
        try
        {
            var next = call.ResponseStream.MoveNext(lifetime.Token);
            var beat = heartbeat.WaitForNextTickAsync(lifetime.Token).AsTask();
            while (true)
            {
                if (await Task.WhenAny(next, beat).ConfigureAwait(false) == beat)
                {
                    await beat.ConfigureAwait(false);
                    if (started)
                    {
                        await WriteAsync(context, ": keep-alive\n\n", lifetime.Token).ConfigureAwait(false);
                    }

                    beat = heartbeat.WaitForNextTickAsync(lifetime.Token).AsTask();
                    continue;
                }

                if (!await next.ConfigureAwait(false))
                {
                    break;
                }

                if (!started)
                {
                    started = true;
                    context.Response.ContentType = "text/event-stream";
                    context.Response.Headers.CacheControl = "no-store";
                    context.Response.Headers["X-Accel-Buffering"] = "no";
                    await WriteAsync(context, "retry: 5000\n\n", lifetime.Token).ConfigureAwait(false);
                }

                await WriteAsync(context, "event: rollup\ndata: " + RollupJson.Write(call.ResponseStream.Current.Rollup) + "\n\n", lifetime.Token).ConfigureAwait(false);
                next = call.ResponseStream.MoveNext(lifetime.Token);
            }
        }
        catch (RpcException exception) when (exception.StatusCode == StatusCode.Unauthenticated)
        {
            if (started)
            {
                await WriteAsync(context, "event: signedout\ndata: {}\n\n", CancellationToken.None).ConfigureAwait(false);
            }
            else
            {
                // An EventSource does not reconnect after a 401.
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            }
        }
        catch (RpcException exception) when (!started)
        {
            context.Response.StatusCode = PageFailures.HttpStatus(PageFailures.Of(exception.StatusCode));
            LogWatchFailed(logger, exception.StatusCode);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RpcException or IOException)
        {
            // The browser left, the lifetime ended, or the API ended the watch (shutdown): the browser reconnects.
        }
    }

    private static async Task WriteAsync(HttpContext context, string text, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync(text, cancellationToken).ConfigureAwait(false);
        await context.Response.Body.FlushAsync(cancellationToken).ConfigureAwait(false);
    }

    // Sessions are told apart by their token, hashed so the key never holds a secret.
    private static string SessionKey(SignedInPerson person) => TokenSecrets.Hash(person.Token);

    [LoggerMessage(EventId = 7310, EventName = "DashboardWatchFailed", Level = LogLevel.Warning, Message = "Dashboard live updates could not start: the API answered {Status}")]
    private static partial void LogWatchFailed(ILogger logger, StatusCode status);
}
