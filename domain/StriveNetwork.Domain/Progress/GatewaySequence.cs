using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Progress;

/// <summary>The gateway a partnership is shown in, with why.</summary>
/// <param name="Gateway">The shown gateway: placement by benchmarks, raised one gateway at a time by standing designations.</param>
/// <param name="Placement">Placement by benchmarks alone.</param>
/// <param name="Standing">Standing designation ids taken into account.</param>
public sealed record ShownGateway(Gateway Gateway, GatewayPlacement Placement, IReadOnlyList<string> Standing, string Explanation)
{
    /// <summary>The shown gateway's fixed stage.</summary>
    public GatewayStage Stage => Gateway.Stage;
}

/// <summary>
/// The gateway sequence: "by crossing through each Gateway" (seed 001). The shown gateway starts at placement by
/// benchmarks and moves to the next gateway only when that gateway is entered by designation and a standing
/// designation grants it; it never skips a gateway. So Proof Point shows only while placement is in Systems Change,
/// and Systems Transformation only on top of a shown Proof Point. A standing designation whose preceding gateway is
/// not reached stays in the ledger (only a re-evaluation lapses it) but is not shown.
/// </summary>
public static class GatewaySequence
{
    /// <summary>The shown gateway from placement and the standing designations of a ledger.</summary>
    public static ShownGateway Shown(TheoryOfActionFramework framework, GatewayPlacement placement, DesignationHistory ledger)
    {
        ArgumentNullException.ThrowIfNull(ledger);
        return Shown(framework, placement, ledger.Standing());
    }

    /// <summary>The shown gateway from placement and the ids of the designations that stand.</summary>
    public static ShownGateway Shown(TheoryOfActionFramework framework, GatewayPlacement placement, IEnumerable<string> standingDesignationIds)
    {
        ArgumentNullException.ThrowIfNull(framework);
        ArgumentNullException.ThrowIfNull(placement);
        ArgumentNullException.ThrowIfNull(standingDesignationIds);
        var standing = standingDesignationIds.Distinct(StringComparer.Ordinal).ToList();
        var granting = framework.Designations.Definitions.Where(d => standing.Contains(d.Id)).ToList();

        var current = placement.Current;
        var steps = new List<string>();
        while (framework.Gateways.FirstOrDefault(g => g.Order > current.Order) is { Entry: GatewayEntry.Designation } next
               && granting.FirstOrDefault(d => d.GrantsGatewayId == next.Id) is { } by)
        {
            steps.Add($"{next.Name} through the standing {by.Name}");
            current = next;
        }

        var unshown = granting
            .Where(d => framework.GetGateway(d.GrantsGatewayId).Order > current.Order)
            .Select(d => d.Name)
            .ToList();
        var explanation = $"Placed in {placement.Current.Name} by benchmarks"
            + (steps.Count > 0 ? $"; shown in {string.Join(", then ", steps)}." : ".")
            + (unshown.Count > 0
                ? $" {string.Join(", ", unshown)} stands but is not shown: the gateway before it is not reached (a designation is earned only from the gateway that precedes it)."
                : string.Empty);
        return new ShownGateway(current, placement, standing, explanation);
    }

    /// <summary>
    /// The shown gateway when designations are evaluated on the spot instead of read from a ledger: the met ones
    /// count as standing. Kept for callers without a ledger; the sequence rule is the same.
    /// </summary>
    public static ShownGateway Shown(TheoryOfActionFramework framework, GatewayPlacement placement, IEnumerable<DesignationResult> evaluated)
    {
        ArgumentNullException.ThrowIfNull(evaluated);
        return Shown(framework, placement, evaluated.Where(r => r.Met).Select(r => r.DesignationId));
    }
}
