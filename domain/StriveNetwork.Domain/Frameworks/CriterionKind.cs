namespace StriveNetwork.Domain.Frameworks;

/// <summary>
/// The kinds of designation criteria, by the names the framework data files use (<c>"kind"</c>). Results carry
/// this kind, never a CLR type name, so the wire shows the domain's own vocabulary.
/// </summary>
public enum CriterionKind
{
    /// <summary>Met benchmarks of one gateway in enough pillars.</summary>
    BenchmarksAcrossPillars = 1,

    /// <summary>A number (or all) of one gateway's benchmarks met.</summary>
    GatewayBenchmarks = 2,

    /// <summary>Prerequisite: placed in a gateway (or later) by benchmarks.</summary>
    InGateway = 3,

    /// <summary>Prerequisite: another designation awarded before, or standing.</summary>
    DesignationHeld = 4,

    /// <summary>Recorded systems-change examples (optionally only those after an award).</summary>
    SystemsChangeExamples = 5,

    /// <summary>Core indicators of the seven outcomes with an accepted trend.</summary>
    CoreIndicatorOutcomes = 6,

    /// <summary>A share of the core indicators of the seven outcomes with an accepted trend.</summary>
    CoreIndicatorShare = 7,

    /// <summary>Disparity gaps of the seven outcomes, one per indicator and focal group, with an accepted change.</summary>
    DisparityGaps = 8,

    /// <summary>Adjacent-sector outcome indicators with an accepted trend (Systems Transformation only).</summary>
    AdjacentSectorIndicators = 9,
}
