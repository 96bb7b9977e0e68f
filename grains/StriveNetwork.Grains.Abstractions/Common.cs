using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>Fixed grain keys and key rules shared by grains and hosts.</summary>
public static class GrainKeys
{
    /// <summary>
    /// Number of network shards. Fixed: a partnership's shard is derived from its id, so changing this needs a
    /// recompute with apply (docs/adr/0006).
    /// </summary>
    public const int NetworkShardCount = 64;

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
[GenerateSerializer, Alias("strive.Designation")]
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
[GenerateSerializer, Immutable, Alias("strive.RowError")]
public sealed record RowError(int RowIndex, string IndicatorId, string ClientRef, ObservationErrorCode Code, string Field, string Message);

/// <summary>Why an observation row was rejected (mirrors strive.v1 ObservationErrorCode).</summary>
[GenerateSerializer, Alias("strive.ObservationErrorCode")]
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
[GenerateSerializer, Immutable, Alias("strive.StageCount")]
public sealed record StageCount(GatewayStage Gateway, int Count);

/// <summary>A count per designation.</summary>
[GenerateSerializer, Immutable, Alias("strive.DesignationCount")]
public sealed record DesignationCount(Designation Designation, int Count);

/// <summary>Partnerships per trend class for one outcome (strive.v1 OutcomeTrendCounts rule).</summary>
[GenerateSerializer, Immutable, Alias("strive.OutcomeTrendCount")]
public sealed record OutcomeTrendCount(Outcome Outcome, int Improved, int Maintained, int Worsened, int InsufficientData, int NotTracked);

/// <summary>Gaps by change.</summary>
[GenerateSerializer, Immutable, Alias("strive.GapChangeCounts")]
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
[GenerateSerializer, Immutable, Alias("strive.OutcomeGapCounts")]
public sealed record OutcomeGapCounts(Outcome Outcome, GapChangeCounts Counts);

/// <summary>Benchmark status of one benchmark, for snapshots and comparison matrices.</summary>
[GenerateSerializer, Immutable, Alias("strive.BenchmarkStatusEntry")]
public sealed record BenchmarkStatusEntry(string BenchmarkId, BenchmarkStatus Status);
