using System.Text.Json.Serialization;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Requests;

/// <summary>
/// What a replay needs of a recorded write's first result: only what cannot be read from the state again (counts,
/// the etag written, whether anything changed, the id of what was created). The views around it (a profile, a cohort,
/// the settings) are read from the state when the replay answers. One record for every grain's writes, each setting
/// the members of its kind and leaving the others null (not written to storage), so the stored log stays small, plain
/// JSON whatever the result type.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.RequestResult")]
public sealed record RequestResult
{
    /// <summary>A write whose answer is the current view alone (RegisterPartnership, UpdatePartnershipProfile, UpdatePartnershipSettings, CreateCohort).</summary>
    public static RequestResult Done { get; } = new();

    /// <summary>RecordAssessment: the receipt, with the etag the write produced.</summary>
    [Id(0)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public AssessmentReceipt? Assessment { get; init; }

    /// <summary>SubmitObservations, and one batch of UploadObservations: rows accepted and replaced, and the definition version they were checked against.</summary>
    [Id(1)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public SubmitReceipt? Observations { get; init; }

    /// <summary>DefineIndicator: what the definition did.</summary>
    [Id(2)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DefineResult? Define { get; init; }

    /// <summary>DefineIndicator: the definition version it stored or found.</summary>
    [Id(3)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public int? DefinitionVersion { get; init; }

    /// <summary>AddMember and RemoveMember: whether the membership changed.</summary>
    [Id(4)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public bool? Changed { get; init; }

    /// <summary>IssueToken and RevokeToken: the token's id (never its secret).</summary>
    [Id(5)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? TokenId { get; init; }

    /// <summary>ReevaluateDesignations: the record time of the re-evaluation answered (it stays in the ledger).</summary>
    [Id(6)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public DateTimeOffset? ReevaluationTime { get; init; }

    /// <summary>RecomputeNetworkRollup with apply: the report without the recomputed rollup (read again when replayed).</summary>
    [Id(7)]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public RecomputeOutcome? Recompute { get; init; }
}

/// <summary>A <see cref="RecomputeReport"/> without its rollup.</summary>
[GenerateSerializer, Immutable, Alias("strive.RecomputeOutcome")]
public sealed record RecomputeOutcome(bool Consistent, IReadOnlyList<RollupDifference> Differences, bool Applied, int PartnershipCount);
