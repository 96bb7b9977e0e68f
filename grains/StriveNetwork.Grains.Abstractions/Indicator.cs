using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>A time-bound target (percent).</summary>
[GenerateSerializer, Immutable, Alias("strive.TargetSpec")]
public sealed record TargetSpec(int Year, double Value);

/// <summary>A disparity gap definition; genders and populations use taxonomy codes ("all", "female", "black", ...).</summary>
[GenerateSerializer, Immutable, Alias("strive.GapSpec")]
public sealed record GapSpec(string GapId, string FocalGender, string FocalPopulation, GapReferenceKind ReferenceRule, string? ReferencePopulation);

/// <summary>What an indicator measures (strive.v1 IndicatorDefinition). Unit is always "percent" today.</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorSpec")]
public sealed record IndicatorSpec(
    string DisplayName,
    string Description,
    Outcome Outcome,
    string AdjacentSectorDescription,
    IndicatorRole Kind,
    Polarity Polarity,
    string Unit,
    int BaselineYear,
    IReadOnlyList<TargetSpec> Targets,
    int DefinitionVersion,
    string TaxonomyVersion,
    string Source,
    IReadOnlyList<GapSpec> Gaps);

/// <summary>What DefineAsync did.</summary>
[GenerateSerializer, Alias("strive.DefineResult")]
public enum DefineResult
{
    Created = 1,
    UpdatedInPlace = 2,
    NewVersion = 3,
    Unchanged = 4,
}

/// <summary>A stored indicator: its (requested or current) definition, versions and years.</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorInfo")]
public sealed record IndicatorInfo(
    string PartnershipId,
    string IndicatorId,
    IndicatorSpec Definition,
    IReadOnlyList<int> DefinitionVersions,
    IReadOnlyList<int> Years,
    DateTimeOffset UpdateTime);

/// <summary>The outcome of DefineAsync.</summary>
[GenerateSerializer, Immutable, Alias("strive.DefineOutcome")]
public sealed record DefineOutcome(IndicatorInfo Indicator, DefineResult Result);

/// <summary>
/// One observation row: gender and population are taxonomy codes; either counts or <see cref="SuppressedAtSource"/>.
/// Unset enums arrive as empty codes and are rejected with UnknownGroup.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.ObservationRow")]
public sealed record ObservationRow(int Year, string Gender, string Population, long? Numerator, long? Denominator, bool SuppressedAtSource, string SourceMarker);

/// <summary>An upload row for one indicator; <see cref="RowIndex"/> is its index in the whole upload.</summary>
/// <param name="CellSeenEarlier">
/// True when an earlier batch of the same upload stored (or, validating only, accepted) a row for the same cell: a
/// row that is otherwise valid is then rejected as a duplicate, the earlier row wins (the gateway applies an upload in
/// batches and knows what the earlier ones accepted).
/// </param>
[GenerateSerializer, Immutable, Alias("strive.UploadRowInput")]
public sealed record UploadRowInput(int RowIndex, int DefinitionVersionGuard, ObservationRow? Observation, string ClientRef, bool CellSeenEarlier = false);

/// <summary>Counts of a stored batch.</summary>
[GenerateSerializer, Immutable, Alias("strive.SubmitReceipt")]
public sealed record SubmitReceipt(int AcceptedCount, int ReplacedCount, int DefinitionVersion);

/// <summary>Result of an upload to one indicator: accepted rows were stored (unless validate-only), rejected ones listed.</summary>
[GenerateSerializer, Immutable, Alias("strive.UploadResult")]
public sealed record UploadResult(int AcceptedCount, int ReplacedCount, IReadOnlyList<RowError> Errors);

/// <summary>A disaggregated cell after suppression.</summary>
[GenerateSerializer, Immutable, Alias("strive.CellView")]
public sealed record CellView(string Gender, string Population, RateView Rate);

/// <summary>All cells of one year after suppression (taxonomy order, gender-major).</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorYearView")]
public sealed record IndicatorYearView(int Year, IReadOnlyList<CellView> Cells);

/// <summary>The trend of All students between the baseline and the latest year, from published cells only.</summary>
[GenerateSerializer, Immutable, Alias("strive.TrendView")]
public sealed record TrendView(
    TrendDirection Direction,
    int BaselineYear,
    int LatestYear,
    DerivedValue Difference,
    TrendMethod Method,
    DerivedValue ZScore,
    DerivedValue PValue,
    string Explanation);

/// <summary>A disparity gap evaluated from published cells only.</summary>
[GenerateSerializer, Immutable, Alias("strive.GapView")]
public sealed record GapView(
    GapSpec Definition,
    string? ReferenceGender,
    string? ReferencePopulation,
    bool ReferenceIsComplement,
    int BaselineYear,
    int LatestYear,
    DerivedValue BaselineGap,
    DerivedValue LatestGap,
    GapChange Change,
    string Explanation);

/// <summary>GetIndicator: definition, published series, trend and gaps.</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorView")]
public sealed record IndicatorView(IndicatorInfo Indicator, IReadOnlyList<IndicatorYearView> Series, TrendView Trend, IReadOnlyList<GapView> Gaps, int MinimumN);

/// <summary>Trend and gap changes of an indicator as of one year (baseline vs latest year up to it).</summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorYearSummary")]
public sealed record IndicatorYearSummary(int Year, TrendDirection Trend, IReadOnlyList<GapChange> GapChanges);

/// <summary>
/// What an indicator tells its partnership (delivered from the indicator's outbox), computed from
/// suppressed data only. <see cref="Sequence"/> increases with every summary of the indicator.
/// <see cref="FocalGroups"/> (one per gap id, added with the gap-counting rules) is null in summaries stored before;
/// such gaps count as their own disparity until the indicator sends a fresh summary.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.IndicatorSummary")]
public sealed record IndicatorSummary(
    string PartnershipId,
    string IndicatorId,
    long Sequence,
    Outcome Outcome,
    IndicatorRole Kind,
    TrendDirection Trend,
    IReadOnlyList<GapChange> GapChanges,
    IReadOnlyList<string> GapIds,
    IReadOnlyList<IndicatorYearSummary> ByYear,
    IReadOnlyList<string>? FocalGroups = null);

/// <summary>
/// An indicator of a partnership (key <c>{partnershipId}/{indicatorId}</c>). Its writes take an optional
/// <see cref="RequestKey"/>: a retry of a recorded write answers with the first result and stores nothing.
/// </summary>
[Alias("strive.IIndicatorGrain")]
public interface IIndicatorGrain : IGrainWithStringKey
{
    /// <summary>Creates, updates in place or versions the definition. Errors: validation, <see cref="NotFoundException"/> (partnership), <see cref="PreconditionFailedException"/>.</summary>
    [Alias("DefineAsync")]
    Task<DefineOutcome> DefineAsync(IndicatorSpec definition, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch, all or nothing. Errors: <see cref="GrainValidationException"/> with <c>Rows</c> (nothing
    /// stored), <see cref="NotFoundException"/> (indicator), <see cref="PreconditionFailedException"/> (version guard &gt; 0 and stale).
    /// </summary>
    [Alias("SubmitAsync")]
    Task<SubmitReceipt> SubmitAsync(int definitionVersionGuard, IReadOnlyList<ObservationRow> rows, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Stores the valid rows and reports the invalid ones (per-row semantics); stores nothing with <paramref name="validateOnly"/>. Errors: <see cref="NotFoundException"/> (indicator).</summary>
    [Alias("UploadAsync")]
    Task<UploadResult> UploadAsync(IReadOnlyList<UploadRowInput> rows, bool validateOnly, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>True when the indicator is defined.</summary>
    [Alias("ExistsAsync")]
    Task<bool> ExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Definition of a version (0 = current), published series, trend, gaps. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetAsync")]
    Task<IndicatorView> GetAsync(int definitionVersion, CancellationToken cancellationToken = default);

    /// <summary>The current summary (what the partnership holds). Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetSummaryAsync")]
    Task<IndicatorSummary> GetSummaryAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called by the partnership when its settings change: stores them and recomputes the summary (sent to the
    /// partnership through the outbox). Idempotent: the same settings again change nothing. Ignored before the
    /// indicator is defined.
    /// </summary>
    [Alias("ApplySettingsAsync")]
    Task ApplySettingsAsync(PartnershipSettings settings, CancellationToken cancellationToken = default);

    /// <summary>The indicator's report-card entry for a year (0 = latest); null when it has no data up to that year.</summary>
    [Alias("GetReportCardEntryAsync")]
    Task<ReportCardIndicatorView?> GetReportCardEntryAsync(int year, CancellationToken cancellationToken = default);
}
