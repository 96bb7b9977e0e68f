using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// What the benchmark keeps of one watch message: when it was read (a <see cref="System.Diagnostics.Stopwatch"/>
/// timestamp), the rollup version and, per outcome of <see cref="Slot.Outcomes"/>, the improved / maintained /
/// worsened counts.
/// </summary>
public sealed record RollupSample(long Timestamp, long Version, int PartnershipCount, int[] Improved, int[] Maintained, int[] Worsened)
{
    public static RollupSample From(long timestamp, NetworkRollup rollup)
    {
        ArgumentNullException.ThrowIfNull(rollup);
        var improved = new int[Slot.Outcomes.Length];
        var maintained = new int[Slot.Outcomes.Length];
        var worsened = new int[Slot.Outcomes.Length];
        foreach (var trend in rollup.OutcomeTrends)
        {
            var o = Array.IndexOf(Slot.Outcomes, trend.Outcome);
            if (o >= 0)
            {
                improved[o] = trend.Improved;
                maintained[o] = trend.Maintained;
                worsened[o] = trend.Worsened;
            }
        }

        return new RollupSample(timestamp, rollup.Version, rollup.PartnershipCount, improved, maintained, worsened);
    }

    /// <summary>
    /// Flips of outcome <paramref name="o"/> towards <paramref name="toWorsened"/> that this rollup reflects
    /// (see <see cref="Slot"/>): maintained + 2 × the target count.
    /// </summary>
    public int Flips(int o, bool toWorsened) => Maintained[o] + (2 * (toWorsened ? Worsened[o] : Improved[o]));
}
