using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>Stream namespaces and fixed grain keys shared by grains and hosts.</summary>
public static class GrainStreams
{
    /// <summary>Indicator summaries, keyed by partnership id (consumed by the partnership grain).</summary>
    public const string PartnershipIndicators = "partnership-indicators";

    /// <summary>Partnership snapshots for the network shards, keyed by <see cref="NetworkShardKey"/>.</summary>
    public const string NetworkShards = "network-shards";

    /// <summary>Shard deltas for the network rollup, key <see cref="NetworkKey"/>.</summary>
    public const string Network = "network";

    /// <summary>
    /// Number of network shards. Fixed: a partnership's shard is derived from its id, so changing this needs a
    /// recompute with apply (docs/adr/0006).
    /// </summary>
    public const int NetworkShardCount = 64;

    /// <summary>Partnership snapshots for cohorts, keyed by cohort id.</summary>
    public const string Cohort = "cohort";

    /// <summary>Key of the single network grain.</summary>
    public const string NetworkKey = "network";

    /// <summary>Key of the single token registry grain.</summary>
    public const string TokensKey = "tokens";

    /// <summary>Keys of every network shard grain, ascending.</summary>
    public static IReadOnlyList<string> NetworkShardKeys { get; } =
        [.. Enumerable.Range(0, NetworkShardCount).Select(i => "shard-" + i.ToString("00", System.Globalization.CultureInfo.InvariantCulture))];

    /// <summary>
    /// The shard of a partnership: FNV-1a of the id's UTF-16 code units (stable across processes and machines,
    /// unlike <see cref="string.GetHashCode()"/>).
    /// </summary>
    public static string NetworkShardKey(string partnershipId)
    {
        ArgumentNullException.ThrowIfNull(partnershipId);
        var hash = 2166136261u;
        foreach (var c in partnershipId)
        {
            hash = unchecked((hash ^ c) * 16777619u);
        }

        return NetworkShardKeys[(int)(hash % NetworkShardCount)];
    }

    /// <summary>Key of an indicator grain: <c>{partnershipId}/{indicatorId}</c>.</summary>
    public static string IndicatorKey(string partnershipId, string indicatorId) => $"{partnershipId}/{indicatorId}";
}

/// <summary>A designation (the framework ids "proof-point", "ongoing-proof-point", "systems-transformation").</summary>
public enum Designation
{
    ProofPoint = 1,
    OngoingProofPoint = 2,
    SystemsTransformation = 3,
}

/// <summary>Maps framework designation ids to <see cref="Designation"/>.</summary>
public static class Designations
{
    /// <summary>The designation of a framework designation id, or null for an unknown id.</summary>
    public static Designation? FromId(string designationId) => designationId switch
    {
        "proof-point" => Designation.ProofPoint,
        "ongoing-proof-point" => Designation.OngoingProofPoint,
        "systems-transformation" => Designation.SystemsTransformation,
        _ => null,
    };
}

/// <summary>A per-row problem of an observation batch or upload.</summary>
/// <param name="RowIndex">0-based index among the rows sent.</param>
/// <param name="Code">Machine-readable reason.</param>
/// <param name="Field">Path within the row, e.g. <c>observation.counts.numerator</c>.</param>
public sealed record RowError(int RowIndex, string IndicatorId, string ClientRef, ObservationErrorCode Code, string Field, string Message);

/// <summary>Why an observation row was rejected (mirrors strive.v1 ObservationErrorCode).</summary>
public enum ObservationErrorCode
{
    UnknownIndicator = 1,
    YearOutOfRange = 2,
    UnknownGroup = 3,
    MissingValue = 4,
    NegativeCount = 5,
    ZeroDenominator = 6,
    NumeratorAboveDenominator = 7,
    DuplicateCell = 8,
    DefinitionVersionMismatch = 9,
}

/// <summary>A count per gateway stage.</summary>
public sealed record StageCount(GatewayStage Gateway, int Count);

/// <summary>A count per designation.</summary>
public sealed record DesignationCount(Designation Designation, int Count);

/// <summary>Partnerships per trend class for one outcome (strive.v1 OutcomeTrendCounts rule).</summary>
public sealed record OutcomeTrendCount(Outcome Outcome, int Improved, int Maintained, int Worsened, int InsufficientData, int NotTracked);

/// <summary>Gaps by change.</summary>
public sealed record GapChangeCounts(int Reduced, int Eliminated, int Unchanged, int Widened, int InsufficientData)
{
    /// <summary>All zero.</summary>
    public static GapChangeCounts Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Adds one gap with the given change.</summary>
    public GapChangeCounts Add(GapChange change, int by = 1) => change switch
    {
        GapChange.Reduced => this with { Reduced = Reduced + by },
        GapChange.Eliminated => this with { Eliminated = Eliminated + by },
        GapChange.Unchanged => this with { Unchanged = Unchanged + by },
        GapChange.Widened => this with { Widened = Widened + by },
        _ => this with { InsufficientData = InsufficientData + by },
    };

    /// <summary>Sum of two counts.</summary>
    public GapChangeCounts Plus(GapChangeCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Reduced + other.Reduced, Eliminated + other.Eliminated, Unchanged + other.Unchanged,
            Widened + other.Widened, InsufficientData + other.InsufficientData);
    }
}

/// <summary>Gap counts of one outcome.</summary>
public sealed record OutcomeGapCounts(Outcome Outcome, GapChangeCounts Counts);

/// <summary>Benchmark status of one benchmark, for snapshots and comparison matrices.</summary>
public sealed record BenchmarkStatusEntry(string BenchmarkId, BenchmarkStatus Status);
