using Orleans.Concurrency;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>Level of a geographic scope.</summary>
[GenerateSerializer, Alias("strive.GeographicScopeLevel")]
public enum GeographicScopeLevel
{
    Neighborhood = 1,
    City = 2,
    County = 3,
    MultiCountyRegion = 4,
    State = 5,
}

/// <summary>Sectors at a leadership table.</summary>
[GenerateSerializer, Alias("strive.Sector")]
public enum Sector
{
    EarlyChildhoodEducation = 1,
    K12Education = 2,
    HigherEducation = 3,
    CommunityBasedOrganizations = 4,
    Philanthropy = 5,
    CivicGovernment = 6,
    Business = 7,
}

/// <summary>Key staff roles of a partnership.</summary>
[GenerateSerializer, Alias("strive.StaffRole")]
public enum StaffRole
{
    PartnershipDirector = 1,
    Facilitator = 2,
    DataManager = 3,
    CommunicationManager = 4,
    CommunityEngagementManager = 5,
}

/// <summary>The anchor entity (fiscal agent) of a partnership.</summary>
[GenerateSerializer, Immutable, Alias("strive.AnchorEntity")]
public sealed record AnchorEntity(string Name, bool FiscalAgent);

/// <summary>A partnership's self-described profile (strive.v1 PartnershipProfile).</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipProfile")]
public sealed record PartnershipProfile(
    string DisplayName,
    string UsState,
    GeographicScopeLevel ScopeLevel,
    string ScopeDescription,
    AnchorEntity? AnchorEntity,
    IReadOnlyList<Sector> LeadershipTableSectors,
    IReadOnlyList<StaffRole> KeyStaffRolesFilled,
    string FrameworkId);

/// <summary>A partnership as stored, with its computed gateway and held designations.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipInfo")]
public sealed record PartnershipInfo(
    string PartnershipId,
    PartnershipProfile Profile,
    GatewayStage Gateway,
    IReadOnlyList<Designation> Designations,
    string Etag,
    DateTimeOffset CreateTime,
    DateTimeOffset UpdateTime);

/// <summary>One benchmark assessment as sent by a client.</summary>
[GenerateSerializer, Immutable, Alias("strive.AssessmentEntry")]
public sealed record AssessmentEntry(string BenchmarkId, BenchmarkStatus Status, string EvidenceNote, DateOnly AssessmentDate, string Assessor);

/// <summary>A systems-change example; re-sending an id replaces it.</summary>
[GenerateSerializer, Immutable, Alias("strive.SystemsChangeEntry")]
public sealed record SystemsChangeEntry(string ExampleId, string Description, DateOnly OccurrenceDate);

/// <summary>One RecordAssessment request: assessments and/or examples, with an optional etag guard.</summary>
[GenerateSerializer, Immutable, Alias("strive.AssessmentBatch")]
public sealed record AssessmentBatch(IReadOnlyList<AssessmentEntry> Assessments, IReadOnlyList<SystemsChangeEntry> Examples, string? Etag);

/// <summary>What RecordAssessment stored.</summary>
[GenerateSerializer, Immutable, Alias("strive.AssessmentReceipt")]
public sealed record AssessmentReceipt(int RecordedCount, string Etag);

/// <summary>Status of one benchmark in a progress view.</summary>
[GenerateSerializer, Immutable, Alias("strive.BenchmarkProgressView")]
public sealed record BenchmarkProgressView(string BenchmarkId, string Text, BenchmarkStatus Status, AssessmentEntry? LatestAssessment, bool CarriedOver);

/// <summary>Benchmarks of one pillar within one gateway; <see cref="PillarId"/> is the framework id ("SCV", "EBDM", "CA", "IS").</summary>
[GenerateSerializer, Immutable, Alias("strive.PillarProgressView")]
public sealed record PillarProgressView(string PillarId, int MetCount, int TotalCount, IReadOnlyList<BenchmarkProgressView> Benchmarks);

/// <summary>One gateway of the framework with its pillars.</summary>
[GenerateSerializer, Immutable, Alias("strive.GatewayProgressView")]
public sealed record GatewayProgressView(GatewayStage Gateway, bool Complete, int MetCount, int TotalCount, IReadOnlyList<PillarProgressView> Pillars);

/// <summary>One criterion of a designation evaluation.</summary>
[GenerateSerializer, Immutable, Alias("strive.CriterionView")]
public sealed record CriterionView(CriterionKind Kind, string Name, double Required, double Actual, bool Met, IReadOnlyList<string> CountedIds, string Explanation, string Unit = "");

/// <summary>One designation evaluated for a partnership.</summary>
[GenerateSerializer, Immutable, Alias("strive.DesignationView")]
public sealed record DesignationView(Designation Designation, bool Met, IReadOnlyList<CriterionView> Criteria, string Explanation);

/// <summary>
/// A partnership's progress through the Theory of Action (strive.v1 GetProgressResponse). <see cref="Designations"/>
/// is the live evaluation of every designation; <see cref="Standing"/> what is held (only a recorded re-evaluation
/// awards, renews or lapses), with the ledger's history.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipProgress")]
public sealed record PartnershipProgress(
    string PartnershipId,
    string FrameworkId,
    GatewayStage Gateway,
    IReadOnlyList<GatewayProgressView> Gateways,
    GatewayStage NextGateway,
    IReadOnlyList<string> MissingBenchmarkIds,
    IReadOnlyList<DesignationView> Designations,
    IReadOnlyList<SystemsChangeEntry> SystemsChangeExamples,
    string Explanation,
    IReadOnlyList<StandingDesignationView> Standing,
    ReevaluationRecord? LastReevaluation,
    IReadOnlyList<DesignationRecord> DesignationHistory,
    DateOnly? NextReevaluationDue);

/// <summary>Combined trend of a partnership's core indicators for one outcome.</summary>
[GenerateSerializer, Immutable, Alias("strive.OutcomeTrend")]
public sealed record OutcomeTrend(Outcome Outcome, TrendDirection Direction);

/// <summary>A partnership's status as of the end of one calendar year (for the network history).</summary>
[GenerateSerializer, Immutable, Alias("strive.YearStatus")]
public sealed record YearStatus(
    int Year,
    GatewayStage Gateway,
    IReadOnlyList<Designation> Designations,
    IReadOnlyList<OutcomeTrend> OutcomeTrends,
    GapChangeCounts Gaps);

/// <summary>
/// What rollups show of one partnership: published on every relevant change to the network stream and to each
/// cohort it belongs to. <see cref="Sequence"/> increases with every snapshot the partnership produces;
/// subscribers keep the highest one per partnership, so a redelivered snapshot never double-counts.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipSnapshot")]
public sealed record PartnershipSnapshot(
    string PartnershipId,
    long Sequence,
    string DisplayName,
    string UsState,
    string FrameworkId,
    GatewayStage Gateway,
    IReadOnlyList<Designation> Designations,
    IReadOnlyList<OutcomeTrend> OutcomeTrends,
    IReadOnlyList<OutcomeGapCounts> GapsByOutcome,
    IReadOnlyList<BenchmarkStatusEntry> BenchmarkStatuses,
    IReadOnlyList<YearStatus> History,
    IReadOnlyList<string> CohortIds);

/// <summary>A rate as a viewer may see it, after suppression.</summary>
/// <param name="State">Shown (exact), TopCoded/BottomCoded (value is the threshold), Suppressed, SuppressedAtSource, NotReported.</param>
/// <param name="Numerator">Only when <paramref name="State"/> is Shown and counts are known.</param>
[GenerateSerializer, Immutable, Alias("strive.RateView")]
public sealed record RateView(RateState State, double? Value, long? Numerator, long? Denominator, string Display, string Explanation);

/// <summary>What a <see cref="RateView"/> shows.</summary>
[GenerateSerializer, Alias("strive.RateState")]
public enum RateState
{
    Shown = 1,
    TopCoded = 2,
    BottomCoded = 3,
    Suppressed = 4,
    SuppressedAtSource = 5,
    NotReported = 6,
}

/// <summary>A derived number (difference, gap, statistic) after suppression: a value, or why there is none.</summary>
[GenerateSerializer, Immutable, Alias("strive.DerivedValue")]
public sealed record DerivedValue(DerivedState State, double? Value, string Explanation)
{
    /// <summary>A shown value.</summary>
    public static DerivedValue Shown(double value) => new(DerivedState.Shown, value, string.Empty);

    /// <summary>A value hidden because it needs a suppressed cell.</summary>
    public static DerivedValue Suppressed(string why) => new(DerivedState.DependsOnSuppressed, null, why);

    /// <summary>No value.</summary>
    public static DerivedValue NotReported(string why) => new(DerivedState.NotReported, null, why);
}

/// <summary>What a <see cref="DerivedValue"/> shows.</summary>
[GenerateSerializer, Alias("strive.DerivedState")]
public enum DerivedState
{
    Shown = 1,
    DependsOnSuppressed = 2,
    NotReported = 3,
}

/// <summary>
/// A member partnership (key: partnership id). Its methods cover every PartnershipService
/// RPC; stream and membership methods are for other grains). The writes of the RPCs take an optional
/// <see cref="RequestKey"/>: a retry of a recorded write answers with the first result and writes nothing.
/// </summary>
[Alias("strive.IPartnershipGrain")]
public interface IPartnershipGrain : IGrainWithStringKey
{
    /// <summary>Registers the partnership. Errors: <see cref="GrainValidationException"/>, <see cref="NotFoundException"/> (framework), <see cref="AlreadyExistsException"/>.</summary>
    [Alias("RegisterAsync")]
    Task<PartnershipInfo> RegisterAsync(PartnershipProfile profile, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>The partnership. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetAsync")]
    Task<PartnershipInfo> GetAsync(CancellationToken cancellationToken = default);

    /// <summary>True when registered. Interleaves, so grains that the partnership calls may ask it back.</summary>
    [AlwaysInterleave]
    [Alias("ExistsAsync")]
    Task<bool> ExistsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the profile fields named in <paramref name="fields"/> (proto paths: display_name, us_state,
    /// geographic_scope, anchor_entity, leadership_table_sectors, key_staff_roles_filled, framework_id).
    /// Errors: validation, <see cref="NotFoundException"/>, <see cref="ConflictException"/> (etag).
    /// </summary>
    [Alias("UpdateProfileAsync")]
    Task<PartnershipInfo> UpdateProfileAsync(PartnershipProfile profile, IReadOnlyList<string> fields, string etag, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Records assessments and examples atomically. Errors: validation (message names the benchmark), <see cref="NotFoundException"/>, <see cref="ConflictException"/>.</summary>
    [Alias("RecordAssessmentAsync")]
    Task<AssessmentReceipt> RecordAssessmentAsync(AssessmentBatch batch, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Progress: gateway, benchmarks by gateway and pillar, designations with criteria. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetProgressAsync")]
    Task<PartnershipProgress> GetProgressAsync(CancellationToken cancellationToken = default);

    /// <summary>The report card of a year (0 = latest), from suppressed data only. Errors: validation (year), <see cref="NotFoundException"/>.</summary>
    [Alias("GetReportCardAsync")]
    Task<ReportCardView> GetReportCardAsync(int year, CancellationToken cancellationToken = default);

    /// <summary>A freshly computed snapshot (for recomputation). Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetSnapshotAsync")]
    Task<PartnershipSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called by its network shard when it recomputes with apply: publishes a fresh snapshot when its content changed
    /// (an ordinary outbox event), and returns the last published snapshot, which the shard then counts; pending
    /// updates are no longer merged with later ones, so the next update's base is the snapshot returned. Null when
    /// the partnership is not registered.
    /// </summary>
    [Alias("PublishSnapshotAsync")]
    Task<PartnershipSnapshot?> PublishSnapshotAsync(CancellationToken cancellationToken = default);

    /// <summary>Called by a cohort: the partnership now sends its snapshots to that cohort. Returns the current snapshot.</summary>
    [Alias("JoinCohortAsync")]
    Task<PartnershipSnapshot> JoinCohortAsync(string cohortId, CancellationToken cancellationToken = default);

    /// <summary>Called by a cohort: stop sending snapshots to it. Idempotent; works for unregistered partnerships.</summary>
    [Alias("LeaveCohortAsync")]
    Task LeaveCohortAsync(string cohortId, CancellationToken cancellationToken = default);

    /// <summary>
    /// Delivered from an indicator's outbox: keeps the summary unless it holds the same or a newer sequence for that
    /// indicator (redeliveries are no-ops). Ignored for an unregistered partnership or another partnership's indicator.
    /// Interleaves: summaries arriving while the partnership writes wait together and are stored by one write
    /// (<see cref="ApplyWaitingSummariesAsync"/>); the call completes when that write is stored and fails when it fails.
    /// </summary>
    [AlwaysInterleave]
    [Alias("ApplyIndicatorSummaryAsync")]
    Task ApplyIndicatorSummaryAsync(IndicatorSummary summary, CancellationToken cancellationToken = default);

    /// <summary>
    /// Stores the indicator summaries waiting in this activation in one write (the partnership calls it on itself, so
    /// the write runs as an ordinary request between other writes). Writes nothing when none is waiting.
    /// </summary>
    [Alias("ApplyWaitingSummariesAsync")]
    Task ApplyWaitingSummariesAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Records one re-evaluation of every designation as of <paramref name="asOf"/> (null = today, UTC): awards,
    /// renewals and lapses by the domain ledger. The date must not be before the last re-evaluation nor after today;
    /// on the date of the last one, that record is returned unchanged. Errors: validation, <see cref="NotFoundException"/>.
    /// </summary>
    [Alias("ReevaluateDesignationsAsync")]
    Task<ReevaluationRecord> ReevaluateDesignationsAsync(DateOnly? asOf, string triggeredBy, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>The partnership's rule settings, their etag and every recorded change. Errors: <see cref="NotFoundException"/>.</summary>
    [Alias("GetSettingsAsync")]
    Task<PartnershipSettingsView> GetSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// The settings the partnership's indicators compute with (network defaults until set). Interleaves: an
    /// indicator asks while the partnership may be pushing settings to it.
    /// </summary>
    [AlwaysInterleave]
    [Alias("GetRuleSettingsAsync")]
    Task<PartnershipSettings> GetRuleSettingsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Replaces the settings (validated by the domain; errors name the field), records who changed them and when, and
    /// pushes them to every indicator of the partnership, which recompute their summaries. Errors: validation,
    /// <see cref="NotFoundException"/>, <see cref="ConflictException"/> (etag).
    /// </summary>
    [Alias("UpdateSettingsAsync")]
    Task<PartnershipSettingsView> UpdateSettingsAsync(PartnershipSettings settings, string etag, string changedBy, RequestKey? request = null, CancellationToken cancellationToken = default);

    /// <summary>Ids of the partnership's indicators known from their summaries, ascending.</summary>
    [Alias("GetIndicatorIdsAsync")]
    Task<IReadOnlyList<string>> GetIndicatorIdsAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called by an indicator grain before its first definition is stored: records the indicator id so the number of
    /// indicators a partnership holds stays bounded (idempotent for an id already held). Errors:
    /// <see cref="NotFoundException"/> (not registered), <see cref="QuotaExceededException"/> (at the limit).
    /// </summary>
    [Alias("ReserveIndicatorAsync")]
    Task ReserveIndicatorAsync(string indicatorId, CancellationToken cancellationToken = default);
}

/// <summary>One indicator on a report card.</summary>
[GenerateSerializer, Immutable, Alias("strive.ReportCardIndicatorView")]
public sealed record ReportCardIndicatorView(
    string IndicatorId,
    string DisplayName,
    IndicatorRole Kind,
    Polarity Polarity,
    int DefinitionVersion,
    int BaselineYear,
    RateView Baseline,
    int LatestYear,
    RateView Latest,
    TargetSpec? Target,
    DerivedValue ProgressToTargetPercent,
    TrendView Trend,
    IReadOnlyList<CellView> Disaggregated,
    IReadOnlyList<GapView> Gaps);

/// <summary>Indicators of one outcome on a report card.</summary>
[GenerateSerializer, Immutable, Alias("strive.ReportCardOutcomeView")]
public sealed record ReportCardOutcomeView(Outcome Outcome, IReadOnlyList<ReportCardIndicatorView> Indicators);

/// <summary>A partnership's report card (strive.v1 GetReportCardResponse).</summary>
[GenerateSerializer, Immutable, Alias("strive.ReportCardView")]
public sealed record ReportCardView(string PartnershipId, string DisplayName, int Year, int MinimumN, IReadOnlyList<ReportCardOutcomeView> Outcomes, DateTimeOffset GenerateTime);
