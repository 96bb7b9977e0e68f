using System.Globalization;

namespace StriveNetwork.Bench.ActivationMemory;

/// <summary>
/// One round's heap figures, in bytes per partnership: the activations' growth of the live heap, the states alone,
/// and the difference (what an activation costs beyond its state), idle and after one GetProgress each.
/// </summary>
public sealed record RoundResult(int Round, int Activations, double ActivatedPer, double StatePer, double ProgressPer, long BaselineHeap)
{
    public double BeyondStatePer => ActivatedPer - StatePer;

    public double BeyondStateAfterProgressPer => ProgressPer - StatePer;

    public string Row() => string.Create(
        CultureInfo.InvariantCulture,
        $"| {Round} | {Activations} | {BaselineHeap / 1048576.0:0.0} | {ActivatedPer:0} | {StatePer:0} | **{BeyondStatePer:0}** | {ProgressPer:0} | **{BeyondStateAfterProgressPer:0}** |");
}
