using StriveNetwork.Actors;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>A cohort as stored.</summary>
public sealed record CohortInfo(string CohortId, string DisplayName, string Description, IReadOnlyList<string> MemberIds, DateTimeOffset CreateTime, DateTimeOffset UpdateTime);

/// <summary>The result of AddMember / RemoveMember.</summary>
public sealed record MembershipChange(CohortInfo Cohort, bool Changed);

/// <summary>A column of a comparison matrix.</summary>
public sealed record BenchmarkColumnView(string BenchmarkId, GatewayStage Gateway, string PillarId, string Text);

/// <summary>A member row of a comparison matrix: one status per column.</summary>
public sealed record MemberRowView(string PartnershipId, string DisplayName, GatewayStage Gateway, IReadOnlyList<BenchmarkStatus> Statuses);

/// <summary>The matrix of the members on one framework version.</summary>
public sealed record BenchmarkMatrixView(string FrameworkId, IReadOnlyList<BenchmarkColumnView> Columns, IReadOnlyList<MemberRowView> Rows, IReadOnlyList<int> MetCounts);

/// <summary>One member in the cohort rollup.</summary>
public sealed record CohortMemberView(string PartnershipId, string DisplayName, string FrameworkId, GatewayStage Gateway, IReadOnlyList<Designation> Designations, IReadOnlyList<OutcomeTrend> OutcomeTrends);

/// <summary>The cohort rollup (strive.v1 GetCohortRollupResponse).</summary>
public sealed record CohortRollup(
    string CohortId,
    int MemberCount,
    IReadOnlyList<StageCount> Gateways,
    IReadOnlyList<DesignationCount> Designations,
    IReadOnlyList<OutcomeTrendCount> OutcomeTrends,
    IReadOnlyList<CohortMemberView> Members,
    DateTimeOffset UpdateTime);

/// <summary>A peer-learning cohort (key: cohort id).</summary>
public interface ICohortGrain : IGrainWithStringKey
{
    /// <summary>Creates the cohort with its first members. Errors: validation, <see cref="NotFoundException"/> (member, named), <see cref="AlreadyExistsException"/>.</summary>
    Task<CohortInfo> CreateAsync(string displayName, string description, IReadOnlyList<string> memberIds, CancellationToken cancellationToken = default);

    /// <summary>The cohort. Errors: <see cref="NotFoundException"/>.</summary>
    Task<CohortInfo> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>Adds a member (idempotent). Errors: <see cref="NotFoundException"/> (cohort or partnership), <see cref="PreconditionFailedException"/> (500 members).</summary>
    Task<MembershipChange> AddMemberAsync(string partnershipId, CancellationToken cancellationToken = default);

    /// <summary>Removes a member (idempotent). Errors: <see cref="NotFoundException"/> (cohort).</summary>
    Task<MembershipChange> RemoveMemberAsync(string partnershipId, CancellationToken cancellationToken = default);

    /// <summary>Comparison matrices, one per framework (optionally one gateway). Errors: <see cref="NotFoundException"/>.</summary>
    Task<IReadOnlyList<BenchmarkMatrixView>> CompareBenchmarksAsync(GatewayStage? gateway, CancellationToken cancellationToken = default);

    /// <summary>The rollup of the members' latest snapshots. Errors: <see cref="NotFoundException"/>.</summary>
    Task<CohortRollup> GetRollupAsync(CancellationToken cancellationToken = default);

    /// <summary>True when the partnership is a current member (for access control). False for an unknown cohort.</summary>
    Task<bool> IsMemberAsync(string partnershipId, CancellationToken cancellationToken = default);
}
