using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Domain.Progress;

/// <summary>
/// Where benchmarks place a partnership, with the reasons: per gateway and pillar the benchmarks met and not met,
/// and what is missing for the next gateway.
/// </summary>
/// <param name="Current">The gateway the partnership is in by benchmarks (never beyond the last benchmark gateway).</param>
/// <param name="Next">The following gateway, or null when the framework has none.</param>
/// <param name="NextReachedByDesignation">True when <paramref name="Next"/> is entered only through a designation.</param>
/// <param name="MissingForNext">Benchmark ids still to meet before <paramref name="Next"/>; empty when it needs a designation.</param>
public sealed record GatewayPlacement(
    string FrameworkId,
    Gateway Current,
    Gateway? Next,
    bool NextReachedByDesignation,
    IReadOnlyList<string> MissingForNext,
    IReadOnlyList<GatewayProgress> Gateways,
    string Explanation)
{
    /// <summary>The progress entry of one gateway.</summary>
    public GatewayProgress For(string gatewayId) =>
        Gateways.First(g => string.Equals(g.Gateway.Id, gatewayId, StringComparison.Ordinal));
}

/// <summary>The benchmarks of one gateway, met and not met, by pillar.</summary>
/// <param name="Complete">Every benchmark placement requires in this gateway is met.</param>
public sealed record GatewayProgress(
    Gateway Gateway,
    int Met,
    int Required,
    bool Complete,
    IReadOnlyList<PillarProgress> Pillars);

/// <summary>Met and not-met benchmark ids of one pillar within one gateway.</summary>
public sealed record PillarProgress(Pillar Pillar, IReadOnlyList<string> Met, IReadOnlyList<string> NotMet);
