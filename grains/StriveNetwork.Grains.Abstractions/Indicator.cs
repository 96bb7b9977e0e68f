using StriveNetwork.Actors;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>A time-bound target (percent).</summary>
public sealed record TargetSpec(int Year, double Value);

/// <summary>A disparity gap definition; genders and populations use taxonomy codes ("all", "female", "black", ...).</summary>
public sealed record GapSpec(string GapId, string FocalGender, string FocalPopulation, GapReferenceKind ReferenceRule, string? ReferencePopulation);

/// <summary>What an indicator measures (strive.v1 IndicatorDefinition). Unit is always "percent" today.</summary>
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
public enum DefineResult
{
    Created = 1,
    UpdatedInPlace = 2,
    NewVersion = 3,
    Unchanged = 4,
}

/// <summary>A stored indicator: its (requested or current) definition, versions and years.</summary>
public sealed record IndicatorInfo(
    string PartnershipId,
    string IndicatorId,
    IndicatorSpec Definition,
    IReadOnlyList<int> DefinitionVersions,
    IReadOnlyList<int> Years,
    DateTimeOffset UpdateTime);

/// <summary>The outcome of DefineAsync.</summary>
public sealed record DefineOutcome(IndicatorInfo Indicator, DefineResult Result);

/// <summary>
/// One observation row: gender and population are taxonomy codes; either counts or <see cref="SuppressedAtSource"/>.
/// Unset enums arrive as empty codes and are rejected with UnknownGroup.
/// </summary>
public sealed record ObservationRow(int Year, string Gender, string Population, long? Numerator, long? Denominator, bool SuppressedAtSource, string SourceMarker);

/// <summary>An upload row for one indicator; <see cref="RowIndex"/> is its index in the whole upload.</summary>
public sealed record UploadRowInput(int RowIndex, int DefinitionVersionGuard, ObservationRow? Observation, string ClientRef);

/// <summary>Counts of a stored batch.</summary>
public sealed record SubmitReceipt(int AcceptedCount, int ReplacedCount, int DefinitionVersion);

/// <summary>Result of an upload to one indicator: accepted rows were stored (unless validate-only), rejected ones listed.</summary>
public sealed record UploadResult(int AcceptedCount, int ReplacedCount, IReadOnlyList<RowError> Errors);

/// <summary>A disaggregated cell after suppression.</summary>
public sealed record CellView(string Gender, string Population, RateView Rate);

/// <summary>All cells of one year after suppression (taxonomy order, gender-major).</summary>
public sealed record IndicatorYearView(int Year, IReadOnlyList<CellView> Cells);

/// <summary>The trend of All students between the baseline and the latest year, from published cells only.</summary>
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
public sealed record IndicatorView(IndicatorInfo Indicator, IReadOnlyList<IndicatorYearView> Series, TrendView Trend, IReadOnlyList<GapView> Gaps, int MinimumN);

/// <summary>Trend and gap changes of an indicator as of one year (baseline vs latest year up to it).</summary>
public sealed record IndicatorYearSummary(int Year, TrendDirection Trend, IReadOnlyList<GapChange> GapChanges);

/// <summary>
/// What an indicator tells its partnership (stream <see cref="GrainStreams.PartnershipIndicators"/>), computed from
/// suppressed data only. <see cref="Sequence"/> increases with every summary of the indicator.
/// </summary>
public sealed record IndicatorSummary(
    string PartnershipId,
    string IndicatorId,
    long Sequence,
    Outcome Outcome,
    IndicatorRole Kind,
    TrendDirection Trend,
    IReadOnlyList<GapChange> GapChanges,
    IReadOnlyList<string> GapIds,
    IReadOnlyList<IndicatorYearSummary> ByYear);

/// <summary>An indicator of a partnership (key <c>{partnershipId}/{indicatorId}</c>).</summary>
public interface IIndicatorGrain : IGrainWithStringKey
{
    /// <summary>Creates, updates in place or versions the definition. Errors: validation, <see cref="NotFoundException"/> (partnership), <see cref="PreconditionFailedException"/>.</summary>
    Task<DefineOutcome> DefineAsync(IndicatorSpec definition, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores a batch, all or nothing. Errors: <see cref="GrainValidationException"/> with <c>Rows</c> (nothing
    /// stored), <see cref="NotFoundException"/> (indicator), <see cref="PreconditionFailedException"/> (version guard &gt; 0 and stale).
    /// </summary>
    Task<SubmitReceipt> SubmitAsync(int definitionVersionGuard, IReadOnlyList<ObservationRow> rows, CancellationToken cancellationToken = default);

    /// <summary>Stores the valid rows and reports the invalid ones (per-row semantics); stores nothing with <paramref name="validateOnly"/>. Errors: <see cref="NotFoundException"/> (indicator).</summary>
    Task<UploadResult> UploadAsync(IReadOnlyList<UploadRowInput> rows, bool validateOnly, CancellationToken cancellationToken = default);

    /// <summary>True when the indicator is defined.</summary>
    Task<bool> ExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>Definition of a version (0 = current), published series, trend, gaps. Errors: <see cref="NotFoundException"/>.</summary>
    Task<IndicatorView> GetAsync(int definitionVersion, CancellationToken cancellationToken = default);

    /// <summary>The current summary (what the partnership holds). Errors: <see cref="NotFoundException"/>.</summary>
    Task<IndicatorSummary> GetSummaryAsync(CancellationToken cancellationToken = default);

    /// <summary>The indicator's report-card entry for a year (0 = latest); null when it has no data up to that year.</summary>
    Task<ReportCardIndicatorView?> GetReportCardEntryAsync(int year, CancellationToken cancellationToken = default);
}
