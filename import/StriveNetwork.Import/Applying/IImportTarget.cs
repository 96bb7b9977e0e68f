using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Import.Observations;

namespace StriveNetwork.Import.Applying;

/// <summary>An indicator as the service holds it: its current definition and when its data last changed.</summary>
public sealed record IndicatorSnapshot(IndicatorDefinition Definition, DateTimeOffset UpdateTime);

/// <summary>A row the service rejected while applying (a race with another writer: the file was valid when checked).</summary>
public sealed record AppliedRejection(int Row, string Field, string Reason);

/// <summary>What the service answered for one upload stream.</summary>
public sealed record UploadReceipt(int Accepted, int Replaced, IReadOnlyList<AppliedRejection> Rejections);

/// <summary>
/// Where an import is checked and applied: the strive.v1 API of a running silo (the <c>silo import</c> command), or
/// in tests a fake. Every write carries a request id, so that a retried or repeated write is a replay (ADR 0011).
/// </summary>
public interface IImportTarget
{
    /// <summary>The indicator of the partnership, or null when it does not exist.</summary>
    Task<IndicatorSnapshot?> GetIndicatorAsync(string partnershipId, string indicatorId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores observations as one upload stream under <paramref name="requestId"/> (at most
    /// <see cref="ObservationImporter.MaxRowsPerStream"/> rows), each guarded by its indicator's definition version.
    /// </summary>
    Task<UploadReceipt> UploadAsync(string partnershipId, string requestId, IAsyncEnumerable<ImportedObservation> observations, CancellationToken cancellationToken = default);

    /// <summary>The partnership's framework id and its etag, or null when it does not exist.</summary>
    Task<(string FrameworkId, string Etag)?> GetPartnershipAsync(string partnershipId, CancellationToken cancellationToken = default);

    /// <summary>Records assessments as one atomic write under <paramref name="requestId"/>; returns the etag after it.</summary>
    Task<string> RecordAssessmentsAsync(string partnershipId, string requestId, IReadOnlyList<BenchmarkAssessment> assessments, CancellationToken cancellationToken = default);
}
