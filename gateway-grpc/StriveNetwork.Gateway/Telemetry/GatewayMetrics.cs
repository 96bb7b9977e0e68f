using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Caching;
using StriveNetwork.Grains.Abstractions.Telemetry;

namespace StriveNetwork.Gateway.Telemetry;

/// <summary>
/// The front door's instruments on the <see cref="StriveMeter"/> meter:
/// <list type="bullet">
/// <item><c>rpc.server.call.duration</c> (s): every call by service, method and gRPC status code, after the status
/// mapping (OpenTelemetry's RPC conventions). Grpc.AspNetCore publishes only event counters, no meter, so the
/// gateway records this itself.</item>
/// <item><c>strive.gateway.limit.refusals</c>: calls and connections refused by a limit of
/// <see cref="Limits.GatewayLimits"/>, tagged with the limit's name.</item>
/// <item><c>strive.gateway.calls.ended</c>: open calls ended because their token was revoked or expired.</item>
/// <item><c>strive.gateway.response_cache.lookups</c>: lookups in the <see cref="ResponseCache"/>, tagged with the
/// read (<c>strive.read</c>: progress, partnership, indicator) and the result (<c>strive.result</c>: hit, miss).</item>
/// </list>
/// Tag values come from fixed sets (the mapped methods, status codes, limit names, reasons, reads): never from a request.
/// </summary>
public sealed class GatewayMetrics
{
    private readonly Histogram<double> _callDuration;
    private readonly Counter<long> _limitRefusals;
    private readonly Counter<long> _callsEnded;
    private readonly Counter<long> _cacheLookups;
    private readonly ConcurrentDictionary<string, (string Service, string Method)> _methods = new(StringComparer.Ordinal);

    // The gRPC status codes (0..16) boxed once: a tag value is an object, and boxing one per call is garbage.
    private static readonly object[] BoxedStatusCodes = [.. Enumerable.Range(0, 17).Select(static code => (object)code)];

    /// <summary>Creates the instruments on the meter of <paramref name="meterFactory"/>.</summary>
    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(StriveMeter.Name);
        _callDuration = meter.CreateHistogram(
            "rpc.server.call.duration",
            "s",
            "Duration of gRPC calls served by the front door, by method and status code",
            tags: null,
            advice: new InstrumentAdvice<double>
            {
                // ASP.NET Core's boundaries for http.server.request.duration: the two histograms read side by side.
                HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.25, 0.5, 0.75, 1, 2.5, 5, 7.5, 10],
            });
        _limitRefusals = meter.CreateCounter<long>(
            "strive.gateway.limit.refusals", "{refusal}", "Calls and connections the front door refused because of a limit (strive.limit names it)");
        _callsEnded = meter.CreateCounter<long>(
            "strive.gateway.calls.ended", "{call}", "Open calls ended because their token was revoked or expired");
        _cacheLookups = meter.CreateCounter<long>(
            "strive.gateway.response_cache.lookups", "{lookup}", "Lookups in the front door's cache of encoded read responses, by read and result (hit or miss)");
    }

    /// <summary>Records a finished call of <paramref name="fullMethod"/> (<c>/package.Service/Method</c>).</summary>
    public void CallFinished(string fullMethod, StatusCode status, TimeSpan elapsed)
    {
        if (!_callDuration.Enabled)
        {
            return;
        }

        var (service, method) = _methods.GetOrAdd(fullMethod, Split);
        var code = (int)status;
        var tags = new TagList
        {
            { "rpc.system", "grpc" },
            { "rpc.service", service },
            { "rpc.method", method },
            { "rpc.grpc.status_code", code >= 0 && code < BoxedStatusCodes.Length ? BoxedStatusCodes[code] : code },
        };
        _callDuration.Record(elapsed.TotalSeconds, tags);
    }

    /// <summary>A call or connection was refused by the limit named <paramref name="limit"/> (a <see cref="Limits.GatewayLimits"/> property).</summary>
    public void LimitRefused(string limit) => _limitRefusals.Add(1, new KeyValuePair<string, object?>("strive.limit", limit));

    /// <summary>An open call was ended for <paramref name="reason"/>.</summary>
    public void CallEnded(TokenRejection reason) =>
        _callsEnded.Add(1, new KeyValuePair<string, object?>("strive.reason", reason == TokenRejection.Expired ? "expired" : "revoked"));

    /// <summary>A lookup of a <paramref name="read"/> response in the <see cref="ResponseCache"/> found one (<paramref name="hit"/>) or not.</summary>
    public void CacheLookedUp(CachedReadKind read, bool hit)
    {
        if (!_cacheLookups.Enabled)
        {
            return;
        }

        var name = read switch
        {
            CachedReadKind.Progress => "progress",
            CachedReadKind.Partnership => "partnership",
            _ => "indicator",
        };
        _cacheLookups.Add(1, new KeyValuePair<string, object?>("strive.read", name), new KeyValuePair<string, object?>("strive.result", hit ? "hit" : "miss"));
    }

    private static (string Service, string Method) Split(string fullMethod)
    {
        var slash = fullMethod.LastIndexOf('/');
        return slash <= 0 ? (fullMethod, fullMethod) : (fullMethod[..slash].TrimStart('/'), fullMethod[(slash + 1)..]);
    }
}
