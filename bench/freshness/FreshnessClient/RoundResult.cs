using System.Globalization;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// Figures of one round: writes sent, acknowledged and failed, the rates the client achieved, how far the sends fell
/// behind their schedule, and the freshness percentiles (ms, reply to the first watch message reflecting the write).
/// A warm-up round (<see cref="Warmup"/>) is shown but left out of the medians.
/// </summary>
public sealed record RoundResult(
    int Round,
    string Direction,
    int Writes,
    int Acknowledged,
    int Errors,
    string ErrorSummary,
    double SendRate,
    double AckRate,
    double MaxSendLagMs,
    double P50Ms,
    double P99Ms,
    double MaxMs,
    int ReflectedBeforeReply,
    int WatchMessages,
    double ReplyP50Ms,
    double ReplyP99Ms)
{
    /// <summary>True for a warm-up round: run and checked like the others, left out of the medians.</summary>
    public bool Warmup { get; init; }

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Round}{(Warmup ? " (warm-up)" : string.Empty)} | {Direction} | {Writes} | {Acknowledged} | {Errors} | {SendRate:0} | {AckRate:0} | {MaxSendLagMs:0.0} | {ReplyP50Ms:0.0} / {ReplyP99Ms:0.0} | **{P50Ms:0.0}** | **{P99Ms:0.0}** | {MaxMs:0.0} | {ReflectedBeforeReply} | {WatchMessages} |");
}
