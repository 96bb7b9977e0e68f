using Grpc.Core;
using Microsoft.Extensions.Logging;
using StriveNetwork.Dashboard.Api;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Dashboard.Trends;

/// <summary>
/// Reads the yearly series of a report card's core indicators: one GetIndicator per indicator with the person's token
/// and the unary deadline, a few at a time. A series the API does not give (other than a revoked session) leaves the
/// page with the report card's own points for that indicator rather than failing the whole page.
/// </summary>
public sealed partial class TrendReader(ILogger<TrendReader> logger)
{
    /// <summary>Calls in flight at once for one page.</summary>
    public const int Parallelism = 4;

    /// <summary>At most this many indicators per page get their yearly series (a report card has a handful).</summary>
    public const int MaxIndicators = 32;

    /// <summary>The series by indicator id, for the first <see cref="MaxIndicators"/> of <paramref name="indicatorIds"/>.</summary>
    public async Task<IReadOnlyDictionary<string, YearlySeries>> ReadAsync(
        StriveApi api, string partnershipId, IEnumerable<string> indicatorIds, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(api);
        ArgumentNullException.ThrowIfNull(indicatorIds);
        var ids = indicatorIds.Distinct(StringComparer.Ordinal).Take(MaxIndicators).ToArray();
        var found = new YearlySeries?[ids.Length];
        await Parallel.ForEachAsync(
            Enumerable.Range(0, ids.Length),
            new ParallelOptions { MaxDegreeOfParallelism = Parallelism, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                try
                {
                    var response = await api.Indicators.GetIndicatorAsync(
                        new V1.GetIndicatorRequest { PartnershipId = partnershipId, IndicatorId = ids[i] }, api.Unary(ct)).ConfigureAwait(false);
                    found[i] = YearlySeries.From(response);
                }
                catch (RpcException exception) when (exception.StatusCode != StatusCode.Unauthenticated && !ct.IsCancellationRequested)
                {
                    LogSeriesUnavailable(logger, exception.StatusCode);
                }
            }).ConfigureAwait(false);

        var result = new Dictionary<string, YearlySeries>(StringComparer.Ordinal);
        for (var i = 0; i < ids.Length; i++)
        {
            if (found[i] is { } series)
            {
                result[ids[i]] = series;
            }
        }

        return result;
    }

    [LoggerMessage(EventId = 7320, EventName = "DashboardSeriesUnavailable", Level = LogLevel.Warning,
        Message = "An indicator's yearly series could not be read for the partnership page ({Status}); the report card's points are shown instead")]
    private static partial void LogSeriesUnavailable(ILogger logger, StatusCode status);
}
