using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>A cohort as stored.</summary>
[GenerateSerializer, Immutable, Alias("strive.CohortInfo")]
public sealed record CohortInfo(string CohortId, string DisplayName, string Description, IReadOnlyList<string> MemberIds, DateTimeOffset CreateTime, DateTimeOffset UpdateTime);

/// <summary>The result of AddMember / RemoveMember.</summary>
[GenerateSerializer, Immutable, Alias("strive.MembershipChange")]
public sealed record MembershipChange(CohortInfo Cohort, bool Changed);

/// <summary>A column of a comparison matrix.</summary>
[GenerateSerializer, Immutable, Alias("strive.BenchmarkColumnView")]
public sealed record BenchmarkColumnView(string BenchmarkId, GatewayStage Gateway, string PillarId, string Text);

/// <summary>A member row of a comparison matrix: one status per column.</summary>
[GenerateSerializer, Immutable, Alias("strive.MemberRowView")]
public sealed record MemberRowView(string PartnershipId, string DisplayName, GatewayStage Gateway, IReadOnlyList<BenchmarkStatus> Statuses);

/// <summary>The matrix of the members on one framework version.</summary>
[GenerateSerializer, Immutable, Alias("strive.BenchmarkMatrixView")]
public sealed record BenchmarkMatrixView(string FrameworkId, IReadOnlyList<BenchmarkColumnView> Columns, IReadOnlyList<MemberRowView> Rows, IReadOnlyList<int> MetCounts);

/// <summary>One member in the cohort rollup.</summary>
[GenerateSerializer, Immutable, Alias("strive.CohortMemberView")]
public sealed record CohortMemberView(string PartnershipId, string DisplayName, string FrameworkId, GatewayStage Gateway, IReadOnlyList<Designation> Designations, IReadOnlyList<OutcomeTrend> OutcomeTrends);

/// <summary>The cohort rollup (strive.v1 GetCohortRollupResponse).</summary>
[GenerateSerializer, Immutable, Alias("strive.CohortRollup")]
public sealed record CohortRollup(
    string CohortId,
    int MemberCount,
    IReadOnlyList<StageCount> Gateways,
    IReadOnlyList<DesignationCount> Designations,
    IReadOnlyList<OutcomeTrendCount> OutcomeTrends,
    IReadOnlyList<CohortMemberView> Members,
    DateTimeOffset UpdateTime);

/// <summary>
/// A peer-learning cohort (key: cohort id). Its writes take an optional <see cref="RequestKey"/>: a retry of a recorded
/// write answers with the first result (the cohort as it is now, and whether the first call changed the membership).
/// </summary>
[Alias("strive.ICohortGrain")]
public interface ICohortGrain : IGrainWithStringKey
{
    /// <summary>Creates the cohort with its first members. Errors: validation, <see cref="NotFoundException"/> (member, named), <see cref="AlreadyExistsException"/>.</summary>
    [Alias("CreateAsync")]
    Task<CohortInfo> CreateAsync(string displayName, string description, IReadOnlyList<string> memberIds, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>The cohort. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetAsync")]
    Task<CohortInfo> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a member (idempotent). Errors: <see cref="NotFoundException"/> (cohort or partnership), <see cref="PreconditionFailedException"/> (500 members).</summary>
    [Alias("AddMemberAsync")]
    Task<MembershipChange> AddMemberAsync(string partnershipId, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Removes a member (idempotent). Errors: <see cref="NotFoundException"/> (cohort).</summary>
    [Alias("RemoveMemberAsync")]
    Task<MembershipChange> RemoveMemberAsync(string partnershipId, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Comparison matrices, one per framework (optionally one gateway). Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("CompareBenchmarksAsync")]
    Task<IReadOnlyList<BenchmarkMatrixView>> CompareBenchmarksAsync(GatewayStage? gateway, CancellationToken cancellationToken = default);

    /// <summary>The rollup of the members' latest snapshots. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetRollupAsync")]
    Task<CohortRollup> GetRollupAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the partnership is a current member (for access control). False for an unknown cohort.</summary>
    [Alias("IsMemberAsync")]
    Task<bool> IsMemberAsync(string partnershipId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivered from a member's outbox: keeps the snapshot unless it holds the same or a newer sequence for that
    /// partnership; ignored for non-members (sent before the member left).
    /// </summary>
    [Alias("ApplyMemberSnapshotAsync")]
    Task ApplyMemberSnapshotAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default);
}
