using System.Globalization;
using StriveNetwork.Import.Export;
using V1 = StriveNetwork.Gateway.V1;

namespace StriveNetwork.Silo.Export;

/// <summary>
/// The network rollup as an export table (docs/import-export.md): one row per count the API's
/// <c>GetNetworkRollup</c> returned (partnerships, per gateway, per framework and gateway, per designation, outcome
/// trends, gap changes overall and per outcome), first the current rollup (empty Year), then each year of its history.
/// The rollup holds counts of partnerships and gaps only, never student counts, so nothing in it is suppressed.
/// </summary>
internal static class NetworkRollupExport
{
    /// <summary>The export's kind.</summary>
    public const string Kind = "network-rollup";

    /// <summary>The columns, left to right.</summary>
    public static readonly IReadOnlyList<string> Columns = ["Year", "Section", "Framework", "Category", "Measure", "Count"];

    /// <summary>The table of <paramref name="response"/>.</summary>
    public static ExportTable From(V1.GetNetworkRollupResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        var rollup = response.Rollup ?? new V1.NetworkRollup();
        IReadOnlyList<KeyValuePair<string, ExportCell>> about =
        [
            new("version", ExportCell.Of(rollup.Version.ToString(CultureInfo.InvariantCulture))),
            new("updated", ExportCell.Of(rollup.UpdateTime?.ToDateTimeOffset().ToString("O", CultureInfo.InvariantCulture))),
            new("partnerships", ExportCell.Of(rollup.PartnershipCount)),
        ];
        return new ExportTable(Kind, about, Columns, Rows(rollup));
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Rows(V1.NetworkRollup rollup)
    {
        foreach (var row in Year(null, rollup.PartnershipCount, rollup.Gateways, rollup.Designations, rollup.OutcomeTrends, rollup.Gaps))
        {
            yield return row;
        }

        foreach (var framework in rollup.Frameworks)
        {
            yield return Row(null, "framework", framework.FrameworkId, null, "partnerships", framework.PartnershipCount);
            foreach (var gateway in framework.Gateways)
            {
                yield return Row(null, "framework", framework.FrameworkId, ExportNames.Words(gateway.Gateway), "partnerships", gateway.PartnershipCount);
            }
        }

        foreach (var outcome in rollup.GapsByOutcome)
        {
            foreach (var row in Gaps(null, "gaps by outcome", ExportNames.Words(outcome.Outcome), outcome.Counts))
            {
                yield return row;
            }
        }

        foreach (var year in rollup.History)
        {
            foreach (var row in Year(year.Year, year.PartnershipCount, year.Gateways, year.Designations, year.OutcomeTrends, year.Gaps))
            {
                yield return row;
            }
        }
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Year(
        int? year, int partnerships, IEnumerable<V1.GatewayCount> gateways, IEnumerable<V1.DesignationCount> designations,
        IEnumerable<V1.OutcomeTrendCounts> trends, V1.GapChangeCounts? gaps)
    {
        yield return Row(year, "partnerships", null, null, "partnerships", partnerships);
        foreach (var gateway in gateways)
        {
            yield return Row(year, "gateway", null, ExportNames.Words(gateway.Gateway), "partnerships", gateway.PartnershipCount);
        }

        foreach (var designation in designations)
        {
            yield return Row(year, "designation", null, ExportNames.Words(designation.Designation), "partnerships", designation.PartnershipCount);
        }

        foreach (var trend in trends)
        {
            var outcome = ExportNames.Words(trend.Outcome);
            yield return Row(year, "outcome trend", null, outcome, "improved", trend.Improved);
            yield return Row(year, "outcome trend", null, outcome, "maintained", trend.Maintained);
            yield return Row(year, "outcome trend", null, outcome, "worsened", trend.Worsened);
            yield return Row(year, "outcome trend", null, outcome, "insufficient data", trend.InsufficientData);
            yield return Row(year, "outcome trend", null, outcome, "not tracked", trend.NotTracked);
        }

        foreach (var row in Gaps(year, "gaps", null, gaps ?? new V1.GapChangeCounts()))
        {
            yield return row;
        }
    }

    private static IEnumerable<IReadOnlyList<ExportCell>> Gaps(int? year, string section, string? category, V1.GapChangeCounts counts)
    {
        yield return Row(year, section, null, category, "reduced", counts.Reduced);
        yield return Row(year, section, null, category, "eliminated", counts.Eliminated);
        yield return Row(year, section, null, category, "unchanged", counts.Unchanged);
        yield return Row(year, section, null, category, "widened", counts.Widened);
        yield return Row(year, section, null, category, "insufficient data", counts.InsufficientData);
    }

    private static IReadOnlyList<ExportCell> Row(int? year, string section, string? framework, string? category, string measure, int count) =>
    [
        year is { } y ? ExportCell.Of(y) : ExportCell.Empty,
        ExportCell.Of(section),
        ExportCell.Of(framework),
        ExportCell.Of(category),
        ExportCell.Of(measure),
        ExportCell.Of(count),
    ];
}
