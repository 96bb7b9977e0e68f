using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Abstractions.Views;
using StriveNetwork.Grains.Batching;
using StriveNetwork.Grains.Outbox;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Grains.Views;
using StriveNetwork.Domain.Identifiers;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a partnership grain.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipState")]
public sealed record PartnershipState : IOutboxState<PartnershipState, PartnershipEvent>
{
    [Id(0)]
    public PartnershipProfile? Profile { get; init; }

    [Id(1)]
    public DateTimeOffset CreateTime { get; init; }

    [Id(2)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>Bumped on every profile or assessment write; the etag is derived from it.</summary>
    [Id(3)]
    public long Revision { get; init; }

    /// <summary>
    /// The assessment entries kept, in recording order: every one that a rule can still see, bounded per benchmark by
    /// <see cref="PartnershipLimits.RecentAssessmentsPerBenchmark"/> (see <see cref="AssessmentRetention"/>).
    /// </summary>
    [Id(4)]
    public IReadOnlyList<AssessmentEntry> Assessments { get; init; } = [];

    /// <summary>Systems-change examples by id (re-sending an id replaces it).</summary>
    [Id(5)]
    public IReadOnlyList<SystemsChangeEntry> Examples { get; init; } = [];

    /// <summary>Latest summary per indicator id.</summary>
    [Id(6)]
    public IReadOnlyDictionary<string, IndicatorSummary> Indicators { get; init; } = new Dictionary<string, IndicatorSummary>();

    /// <summary>Cohorts the partnership belongs to, ascending.</summary>
    [Id(7)]
    public IReadOnlyList<string> CohortIds { get; init; } = [];

    /// <summary>The last snapshot published (its Sequence is the producer sequence).</summary>
    [Id(8)]
    public PartnershipSnapshot? LastSnapshot { get; init; }

    /// <summary>
    /// Count changes owed to the network shard (every change, consecutive pending ones merged: docs/adr/0016, 0022)
    /// and snapshots owed to cohorts (the latest per cohort); see <see cref="PartnershipEvent"/> for older entries.
    /// </summary>
    [Id(9)]
    public Outbox<PartnershipEvent> Outbox { get; init; } = Outbox<PartnershipEvent>.Empty;

    /// <summary>
    /// Every recorded re-evaluation of designations, oldest first (the designation ledger). Null in a state written
    /// before the ledger existed: such a partnership gets one re-evaluation marked as a migration when it activates.
    /// </summary>
    [Id(10)]
    public IReadOnlyList<ReevaluationRecord>? Reevaluations { get; init; }

    /// <summary>The partnership's rule settings; null = the network defaults (states written before settings existed).</summary>
    [Id(11)]
    public PartnershipSettings? Settings { get; init; }

    /// <summary>Bumped on every settings change; the settings etag is derived from it.</summary>
    [Id(12)]
    public long SettingsRevision { get; init; }

    /// <summary>The most recent settings changes (who, when, before, after), oldest first; at most <see cref="PartnershipLimits.MaxSettingsChanges"/>.</summary>
    [Id(13)]
    public IReadOnlyList<SettingsChange> SettingsChanges { get; init; } = [];

    /// <summary>
    /// Ids of the indicators defined for the partnership (reserved before their first definition is stored), ascending;
    /// at most <see cref="PartnershipLimits.MaxIndicators"/>. States written before it existed list none: their
    /// indicators are known from <see cref="Indicators"/>.
    /// </summary>
    [Id(14)]
    public IReadOnlyList<string> IndicatorIds { get; init; } = [];

    /// <summary>The client request ids of recent writes, recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;

    /// <inheritdoc />
    public PartnershipState WithOutbox(Outbox<PartnershipEvent> outbox) => this with { Outbox = outbox };
}

/// <summary>A member partnership (key: partnership id): profile, assessments, placement, designations, snapshots.</summary>
[GrainType("partnership")]
public sealed class PartnershipGrain(
    [PersistentState("partnership")] IPersistentState<PartnershipState> state,
    IOptions<SuppressionSettings> settings,
    IOptions<PartnershipLimits> limits,
    RequestRecorder requests,
    ILogger<PartnershipGrain> logger,
    TimeProvider time) : OutboxGrain<PartnershipState, PartnershipEvent>(state, logger, time), IPartnershipGrain
{
    /// <summary>The reminder that runs the scheduled re-evaluation; it ticks daily and re-evaluates only when due.</summary>
    public const string ReevaluationReminder = "designations";

    private static readonly TimeSpan ReminderPeriod = TimeSpan.FromDays(1);

    // Computed on the first read after a change, not at the change (docs/adr/0014): writes nobody reads (an indicator
    // summary applied during an import) cost nothing more, and an activation never read holds no view.
    private CachedView<(long Version, DateOnly Today, int RulesRevision), PartnershipProgress>? _progress;
    private CachedView<(long Version, int Year), PartnershipSnapshot>? _snapshot;
    private Receiver<INetworkShardGrain> _shard;

    // The state (by reference) whose LastSnapshot this activation last found equal in content to the snapshot built
    // from it, and the year that build replayed to: a write that changes none of BuildSnapshot's inputs in that year
    // cannot change the snapshot, so it skips building and comparing one (an indicator reservation, a request log).
    // Indicator summaries delivered while the partnership was busy, stored together by its next write: one state write
    // per batch of summaries instead of one per summary (docs/adr/0015, addendum).
    private readonly WaitingBatch<IndicatorSummary> _waitingSummaries = new();

    private (IReadOnlyList<AssessmentEntry> Assessments, IReadOnlyList<ReevaluationRecord>? Reevaluations, string FrameworkId, int FirstYear, int LastYear, IReadOnlyList<PartnershipYearStatus> Years)? _replay;

    private PartnershipState? _snapshotCurrentFor;
    private int _snapshotCurrentYear;

    private Assessed? _assessed;

    // Each indicator's status as the last snapshot built it, with the summary it came from (by reference): a summary
    // write changes one indicator, so the others' statuses are not built again.
    private Dictionary<string, (IndicatorSummary Summary, IndicatorStatus Status)>? _indicatorStatuses;

    // Each snapshot's history is built from the last one's: an indicator write usually moves one year.
    private readonly SnapshotHistory _history = new();

    private string? _key;

    // Held: the grain id decodes its key into a new string on every call.
    private string Key => _key ??= this.GetPrimaryKeyString();

    /// <inheritdoc />
    protected override ViewSource? AnnouncedAs => new ViewSource(ViewSourceKind.Partnership, Key);

    private DateOnly Today => DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime);

    private PartnershipSettings RuleSettings => Stored.State.Settings ?? PartnershipSettings.FromDomain(settings.Value.ToRuleSettings());

    private string SettingsEtag => "s" + Stored.State.SettingsRevision.ToString(CultureInfo.InvariantCulture);

    public Task<PartnershipSettingsView> GetSettingsAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(SettingsView());
    }

    public Task<PartnershipSettings> GetRuleSettingsAsync(CancellationToken cancellationToken = default) => Task.FromResult(RuleSettings);

    public async Task<PartnershipSettingsView> UpdateSettingsAsync(PartnershipSettings update, string etag, string changedBy, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(update);
        if (requests.Replay(Stored.State.Requests, request) is not null)
        {
            // Stored by the first call; its push to the indicators may not have finished, so it runs again.
            RequireRegistered();
            await PushSettingsAsync(RuleSettings, cancellationToken);
            return SettingsView();
        }

        RequireRegistered();
        if (string.IsNullOrEmpty(etag))
        {
            throw new GrainValidationException("etag", "is required; send the etag last read.");
        }

        var errors = update.ToDomain().Validate();
        if (errors.Count > 0)
        {
            throw new GrainValidationException("settings." + SettingsField(errors[0].Field), errors[0].Message);
        }

        if (!string.Equals(etag, SettingsEtag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag does not match the current settings etag '{SettingsEtag}'; re-read the settings and retry.");
        }

        var before = RuleSettings;
        var logged = requests.Record(Stored.State.Requests, request, RequestResult.Done);
        if (update != before)
        {
            await CommitAsync(
                Stored.State with
                {
                    Settings = update,
                    SettingsRevision = Stored.State.SettingsRevision + 1,
                    SettingsChanges = [.. Stored.State.SettingsChanges.TakeLast(limits.Value.MaxSettingsChanges - 1), new SettingsChange(Time.GetUtcNow(), changedBy, before, update)],
                    Requests = logged,
                },
                cancellationToken);
        }
        else if (request is not null)
        {
            await CommitAsync(Stored.State with { Requests = logged }, cancellationToken);
        }

        await PushSettingsAsync(update, cancellationToken);
        return SettingsView();
    }

    // Push to every indicator (idempotent: an indicator that has them already does nothing).
    private async Task PushSettingsAsync(PartnershipSettings update, CancellationToken cancellationToken)
    {
        foreach (var indicatorId in Stored.State.Indicators.Keys.Order(StringComparer.Ordinal))
        {
            await GrainFactory.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(Key, indicatorId)).ApplySettingsAsync(update, cancellationToken);
        }
    }

    private PartnershipSettingsView SettingsView() => new(Key, RuleSettings, SettingsEtag, Stored.State.SettingsChanges);

    private static string SettingsField(string domainField) => domainField switch
    {
        "MinimumN" => "minimum_n",
        "MinimumOutcomeCount" => "minimum_outcome_count",
        "TopCodeAbove" => "top_code_above",
        "BottomCodeBelow" => "bottom_code_below",
        "TrendAlpha" => "trend_alpha",
        "ReevaluationPeriodMonths" => "reevaluation_period_months",
        "RequireSustainedImprovement" => "require_sustained_improvement",
        var other when other.Contains("Range", StringComparison.Ordinal) || other.Contains("Protection", StringComparison.Ordinal) => "protection_interval_percentage_points",
        var other => other,
    };

    private bool Registered => Stored.State.Profile is not null;

    private string Etag => EtagOf(Stored.State.Revision);

    private static string EtagOf(long revision) => "r" + revision.ToString(CultureInfo.InvariantCulture);

    public async Task<PartnershipInfo> RegisterAsync(PartnershipProfile profile, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (requests.Replay(Stored.State.Requests, request) is not null)
        {
            // Registered by the first call, whose reminder registration may not have run.
            RequireRegistered();
            await EnsureReminderAsync();
            return Info();
        }

        if (!StriveId.IsValid(Key))
        {
            throw new GrainValidationException("partnership_id", $"is not a valid id ({StriveId.Rule}).");
        }

        PartnershipRules.ValidateProfile(profile);
        if (Registered)
        {
            throw new AlreadyExistsException($"Partnership '{Key}' already exists.");
        }

        var now = Time.GetUtcNow();
        await CommitAsync(
            Stored.State with
            {
                Profile = Normalize(profile),
                CreateTime = now,
                UpdateTime = now,
                Revision = 1,
                Reevaluations = [],
                Requests = requests.Record(Stored.State.Requests, request, RequestResult.Done),
            },
            cancellationToken);
        await EnsureReminderAsync();
        return Info();
    }

    public Task<PartnershipInfo> GetAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(Info());
    }

    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Registered);

    public async Task<PartnershipInfo> UpdateProfileAsync(PartnershipProfile profile, IReadOnlyList<string> fields, string etag, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(fields);
        if (requests.Replay(Stored.State.Requests, request) is not null)
        {
            RequireRegistered();
            return Info();
        }

        RequireRegistered();
        if (string.IsNullOrEmpty(etag))
        {
            throw new GrainValidationException("etag", "is required; send the etag last read.");
        }

        var merged = PartnershipRules.Merge(Stored.State.Profile!, profile, fields);
        PartnershipRules.ValidateProfile(merged);
        if (!string.Equals(etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        await CommitAsync(
            Stored.State with
            {
                Profile = Normalize(merged),
                UpdateTime = Time.GetUtcNow(),
                Revision = Stored.State.Revision + 1,
                Requests = requests.Record(Stored.State.Requests, request, RequestResult.Done),
            },
            cancellationToken);
        return Info();
    }

    public async Task<AssessmentReceipt> RecordAssessmentAsync(AssessmentBatch batch, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);

        // Before any check: the first call's write made the batch's etag stale, and its dates may be "yesterday" now.
        if (requests.Replay(Stored.State.Requests, request) is { } replay)
        {
            return replay.Assessment ?? throw RequestRecorder.Reused();
        }

        RequireRegistered();
        var framework = PartnershipRules.Framework(Stored.State.Profile!.FrameworkId);
        PartnershipRules.ValidateBatch(batch, framework, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));
        if (!string.IsNullOrEmpty(batch.Etag) && !string.Equals(batch.Etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        var assessments = batch.Assessments ?? [];
        var examples = Stored.State.Examples.ToDictionary(e => e.ExampleId, StringComparer.Ordinal);
        foreach (var e in batch.Examples ?? [])
        {
            examples[e.ExampleId] = e;
        }

        if (examples.Count > limits.Value.MaxSystemsChangeExamples)
        {
            throw new QuotaExceededException(
                $"systems_change_examples: a partnership holds at most {limits.Value.MaxSystemsChangeExamples} systems-change examples; re-send an existing example_id to replace it.");
        }

        var revision = Stored.State.Revision + 1;
        var receipt = new AssessmentReceipt(assessments.Count, EtagOf(revision));
        await CommitAsync(
            Stored.State with
            {
                Assessments = AssessmentRetention.Retain(
                    [.. Stored.State.Assessments, .. assessments], a => a.BenchmarkId, a => a.AssessmentDate, limits.Value.RecentAssessmentsPerBenchmark),
                Examples = [.. examples.Values.OrderBy(e => e.ExampleId, StringComparer.Ordinal)],
                UpdateTime = Time.GetUtcNow(),
                Revision = revision,
                Requests = requests.Record(Stored.State.Requests, request, new RequestResult { Assessment = receipt }),
            },
            cancellationToken);
        return receipt;
    }

    public Task<PartnershipProgress> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        var today = Today;
        var rulesRevision = PartnershipRules.Framework(Stored.State.Profile!.FrameworkId).RulesRevision;
        _progress ??= new();
        return Task.FromResult(_progress.Get((StateVersion, today, rulesRevision), (Grain: this, Today: today), static a => a.Grain.ComputeProgress(a.Today)));
    }

    /// <summary>The progress view as of <paramref name="today"/> (designations are evaluated on that date).</summary>
    private PartnershipProgress ComputeProgress(DateOnly today)
    {
        var framework = PartnershipRules.Framework(Stored.State.Profile!.FrameworkId);
        var history = PartnershipRules.History(framework, Stored.State.Assessments);
        var placement = GatewayRules.Place(history);
        var ledger = DesignationRecords.Ledger(Stored.State.Reevaluations);
        var evidence = PartnershipStatusRules.Evidence(history, IndicatorStatuses(Stored.State),
            PartnershipRules.Examples(Stored.State.Examples), null, ledger) with { EvaluatedOn = today };
        var designations = DesignationEvaluator.EvaluateAll(evidence);
        var shown = GatewaySequence.Shown(framework, placement, ledger);
        var stage = shown.Stage;
        var gateways = framework.Gateways.Select(g =>
        {
            var progress = placement.Gateways.First(p => p.Gateway.Id == g.Id);
            var pillars = framework.Pillars.Select(p =>
            {
                var benchmarks = framework.BenchmarksIn(g.Id).Where(b => b.PillarId == p.Id)
                    .Select(b =>
                    {
                        var latest = history.LatestFor(b.Id);
                        return new BenchmarkProgressView(b.Id, b.Text, latest?.Status ?? BenchmarkStatus.NotStarted,
                            latest is null ? null : new AssessmentEntry(latest.BenchmarkId, latest.Status, latest.EvidenceNote ?? string.Empty, latest.Date, latest.Assessor),
                            b.Provenance.CarriedOver);
                    })
                    .ToList();
                return new PillarProgressView(p.Id, benchmarks.Count(b => b.Status == BenchmarkStatus.Met), benchmarks.Count, benchmarks);
            }).Where(p => p.TotalCount > 0).ToList();
            var complete = g.Entry == GatewayEntry.Benchmarks && progress.Complete && progress.Required > 0;
            return new GatewayProgressView(g.Stage, complete, pillars.Sum(p => p.MetCount), pillars.Sum(p => p.TotalCount), pillars);
        }).ToList();
        var byBenchmarks = placement.Next is not null && !placement.NextReachedByDesignation && stage == placement.Current.Stage;
        var next = byBenchmarks ? placement.Next!.Stage : stage;
        var missing = byBenchmarks ? placement.MissingForNext : [];
        var standing = DesignationRecords.Standing(ledger, shown, framework);
        var explanation = shown.Explanation
            + (placement.Next is not null && byBenchmarks ? " " + placement.Explanation : string.Empty)
            + (standing.Count > 0 ? $" Holds {string.Join(", ", standing.Select(d => $"{d.Name} (awarded {d.AwardDate:yyyy-MM-dd})"))}." : " Holds no designation.");
        var records = Stored.State.Reevaluations ?? [];
        return new PartnershipProgress(
            Key, framework.Id, stage, gateways, next, missing,
            [.. designations.Select(PartnershipRules.View)],
            [.. Stored.State.Examples.OrderByDescending(e => e.OccurrenceDate).ThenBy(e => e.ExampleId, StringComparer.Ordinal)],
            explanation,
            standing,
            records.Count > 0 ? records[^1] : null,
            [.. records.SelectMany(r => r.Events)],
            NextDue(Stored.State));
    }

    public async Task<ReevaluationRecord> ReevaluateDesignationsAsync(DateOnly? asOf, string triggeredBy, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        if (requests.Replay(Stored.State.Requests, request) is { } replay)
        {
            // The record stays in the ledger (only old evaluations are trimmed): answer it again.
            var time = replay.ReevaluationTime ?? throw RequestRecorder.Reused();
            RequireRegistered();
            return (Stored.State.Reevaluations ?? []).LastOrDefault(r => r.RecordTime == time) ?? throw RequestRecorder.Reused();
        }

        RequireRegistered();
        var date = asOf ?? Today;
        if (date > Today)
        {
            throw new GrainValidationException("as_of", $"{date:yyyy-MM-dd} is after today ({Today:yyyy-MM-dd}, UTC).");
        }

        var records = Stored.State.Reevaluations ?? [];
        if (records.Count > 0 && date < records[^1].Date)
        {
            throw new GrainValidationException("as_of", $"{date:yyyy-MM-dd} is before the last re-evaluation ({records[^1].Date:yyyy-MM-dd}); re-evaluations are recorded in date order.");
        }

        if (records.Count > 0 && date == records[^1].Date)
        {
            if (request is not null)
            {
                await CommitAsync(
                    Stored.State with { Requests = requests.Record(Stored.State.Requests, request, new RequestResult { ReevaluationTime = records[^1].RecordTime }) },
                    cancellationToken);
            }

            return records[^1];
        }

        var record = await ReevaluateAsync(date, ReevaluationTrigger.Request, string.IsNullOrWhiteSpace(triggeredBy) ? "unknown" : triggeredBy, string.Empty, cancellationToken, request: request);
        PartnershipLog.Reevaluated(logger, Key, date, record.Trigger, record.Events.Count);
        return record;
    }

    /// <inheritdoc />
    public override async Task OnActivateAsync(CancellationToken cancellationToken)
    {
        await base.OnActivateAsync(cancellationToken);
        if (!Registered)
        {
            return;
        }

        if (Stored.State.Reevaluations is null)
        {
            var before = Stored.State.LastSnapshot;
            var held = before is null ? "nothing recorded" : before.Designations.Count == 0 ? "no designation" : string.Join(", ", before.Designations);
            var record = await ReevaluateAsync(Today, ReevaluationTrigger.Migration, "migration",
                $"First re-evaluation under the gateway-sequence rules; before it the partnership showed gateway {before?.Gateway.ToString() ?? "unknown"} and held {held} (evaluated on every read, not recorded).",
                cancellationToken, before);
            PartnershipLog.Reevaluated(logger, Key, record.Date, record.Trigger, record.Events.Count);
        }

        await EnsureReminderAsync();
    }

    protected override async Task OnReminderAsync(string reminderName, TickStatus status)
    {
        if (!string.Equals(reminderName, ReevaluationReminder, StringComparison.Ordinal) || !Registered)
        {
            return;
        }

        if (NextDue(Stored.State) is { } due && due <= Today && (Stored.State.Reevaluations is not { Count: > 0 } r || r[^1].Date < Today))
        {
            var record = await ReevaluateAsync(Today, ReevaluationTrigger.Schedule, "schedule", $"Re-evaluation due on {due:yyyy-MM-dd}.", CancellationToken.None);
            PartnershipLog.Reevaluated(logger, Key, record.Date, record.Trigger, record.Events.Count);
        }
    }

    /// <summary>
    /// When the next scheduled re-evaluation is due: the earliest due date of a standing designation, otherwise one
    /// period after the last re-evaluation (or the registration).
    /// </summary>
    private DateOnly? NextDue(PartnershipState s)
    {
        if (s.Profile is null)
        {
            return null;
        }

        var ledger = DesignationRecords.Ledger(s.Reevaluations);
        var dues = ledger.Standing().Select(id => ledger.CurrentAward(id)!.ReevaluationDue).OfType<DateOnly>().ToList();
        if (dues.Count > 0)
        {
            return dues.Min();
        }

        var from = ledger.LastReevaluation ?? DateOnly.FromDateTime(s.CreateTime.UtcDateTime);
        return from.AddMonths((s.Settings ?? RuleSettings).ReevaluationPeriodMonths);
    }

    /// <summary>
    /// Registers the daily re-evaluation reminder when it is missing. An activation only reads the reminder table, so a
    /// store that cannot take writes (a full disk) still serves reads; a registration that fails is logged and tried
    /// again by the next activation, since a late schedule is caught up by <see cref="OnReminderAsync"/>'s due check.
    /// </summary>
    private async Task EnsureReminderAsync()
    {
        if (await this.GetReminder(ReevaluationReminder) is not null)
        {
            return;
        }

        try
        {
            await this.RegisterOrUpdateReminder(ReevaluationReminder, ReminderPeriod, ReminderPeriod);
        }
        catch (Exception exception) when (exception is not OperationCanceledException)
        {
            PartnershipLog.ReminderNotRegistered(logger, Key, exception.GetType().Name);
        }
    }

    /// <summary>Records one re-evaluation by the domain ledger and publishes the resulting snapshot, in one write.</summary>
    private async Task<ReevaluationRecord> ReevaluateAsync(
        DateOnly date, ReevaluationTrigger trigger, string triggeredBy, string note, CancellationToken cancellationToken, PartnershipSnapshot? heldBefore = null, RequestKey? request = null)
    {
        var s = Stored.State;
        var framework = PartnershipRules.Framework(s.Profile!.FrameworkId);
        var history = PartnershipRules.History(framework, s.Assessments, date);
        var ledger = DesignationRecords.Ledger(s.Reevaluations);
        var statuses = IndicatorStatuses(s);
        var evidence = PartnershipStatusRules.Evidence(history, statuses,
            PartnershipRules.Examples(s.Examples.Where(e => e.OccurrenceDate <= date)), date == Today ? null : date.Year, ledger);
        var result = DesignationLedger.Reevaluate(ledger, evidence, date, RuleSettings.ToDomain());
        var placement = GatewayRules.Place(history);
        var record = new ReevaluationRecord(
            date, trigger, triggeredBy, Time.GetUtcNow(), framework.Id, framework.Version, framework.RulesRevision,
            [.. result.Events.Select(DesignationRecords.ToRecord)],
            [.. result.Results.Select(DesignationRecords.ToRecord)],
            heldBefore?.Designations ?? PartnershipRules.ToDesignations(ledger.Standing()),
            PartnershipRules.ToDesignations(result.History.Standing()),
            heldBefore?.Gateway ?? GatewaySequence.Shown(framework, placement, ledger).Stage,
            GatewaySequence.Shown(framework, placement, result.History).Stage,
            note);
        await CommitAsync(
            s with
            {
                Reevaluations = DesignationRecords.Append(s.Reevaluations ?? [], record),
                Requests = requests.Record(s.Requests, request, new RequestResult { ReevaluationTime = record.RecordTime }),
            },
            cancellationToken);
        return record;
    }

    public async Task<ReportCardView> GetReportCardAsync(int year, CancellationToken cancellationToken = default)
    {
        if (year != 0 && year is < IndicatorDefinition.MinimumYear or > IndicatorDefinition.MaximumYear)
        {
            throw new GrainValidationException("year", $"{year} is neither 0 nor within 1990..2100.");
        }

        RequireRegistered();
        var resolved = year != 0 ? year : Stored.State.Indicators.Values.SelectMany(s => s.ByYear).Select(y => y.Year).DefaultIfEmpty(0).Max();
        var entries = new List<(IndicatorSummary Summary, ReportCardIndicatorView View)>();
        foreach (var summary in Stored.State.Indicators.Values)
        {
            var view = await GrainFactory.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(Key, summary.IndicatorId))
                .GetReportCardEntryAsync(resolved, cancellationToken);
            if (view is not null)
            {
                entries.Add((summary, view));
            }
        }

        var outcomes = entries
            .GroupBy(e => e.Summary.Outcome)
            .OrderBy(g => g.Key)
            .Select(g => new ReportCardOutcomeView(g.Key, [.. g.OrderBy(e => e.View.Kind).ThenBy(e => e.View.IndicatorId, StringComparer.Ordinal).Select(e => e.View)]))
            .ToList();
        return new ReportCardView(Key, Stored.State.Profile!.DisplayName, resolved, RuleSettings.MinimumN, outcomes, Time.GetUtcNow());
    }

    public Task<PartnershipSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(CurrentSnapshot());
    }

    /// <summary>The snapshot of the state held, numbered as the last one published; cached per state version and year.</summary>
    private PartnershipSnapshot CurrentSnapshot()
    {
        _snapshot ??= new();
        return _snapshot.Get((StateVersion, Time.GetUtcNow().Year), this, static g => g.BuildSnapshot(g.Stored.State, g.Stored.State.LastSnapshot?.Sequence ?? 0));
    }

    public async Task<PartnershipSnapshot> JoinCohortAsync(string cohortId, CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        if (!Stored.State.CohortIds.Contains(cohortId, StringComparer.Ordinal))
        {
            await CommitAsync(Stored.State with { CohortIds = [.. Stored.State.CohortIds.Append(cohortId).Order(StringComparer.Ordinal)] }, cancellationToken);
        }

        return Stored.State.LastSnapshot ?? BuildSnapshot(Stored.State, 0);
    }

    public async Task LeaveCohortAsync(string cohortId, CancellationToken cancellationToken = default)
    {
        if (Stored.State.CohortIds.Contains(cohortId, StringComparer.Ordinal))
        {
            await CommitAsync(Stored.State with { CohortIds = [.. Stored.State.CohortIds.Where(c => c != cohortId)] }, cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> GetIndicatorIdsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. Stored.State.Indicators.Keys.Order(StringComparer.Ordinal)]);

    public async Task ReserveIndicatorAsync(string indicatorId, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(indicatorId);
        RequireRegistered();
        var held = Stored.State.IndicatorIds.Concat(Stored.State.Indicators.Keys).ToHashSet(StringComparer.Ordinal);
        if (held.Contains(indicatorId))
        {
            return;
        }

        if (held.Count >= limits.Value.MaxIndicators)
        {
            throw new QuotaExceededException($"indicator_id: a partnership defines at most {limits.Value.MaxIndicators} indicators; redefine an existing one instead.");
        }

        await CommitAsync(Stored.State with { IndicatorIds = [.. Stored.State.IndicatorIds.Append(indicatorId).Order(StringComparer.Ordinal)] }, cancellationToken);
    }

    /// <summary>Interleaves (see the interface): adds the summary to the waiting batch, which <see cref="ApplyWaitingSummariesAsync"/> writes.</summary>
    public Task ApplyIndicatorSummaryAsync(IndicatorSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (!Registered || !string.Equals(summary.PartnershipId, Key, StringComparison.Ordinal))
        {
            return Task.CompletedTask;
        }

        if (Stored.State.Indicators.TryGetValue(summary.IndicatorId, out var held) && held.Sequence >= summary.Sequence)
        {
            return Task.CompletedTask; // redelivered or older: the held summary already reflects it
        }

        return _waitingSummaries.Add(
            summary,
            () => this.AsReference<IPartnershipGrain>().ApplyWaitingSummariesAsync(),
            () => new InvalidOperationException($"Partnership '{Key}' did not apply the indicator summary; deliver it again."));
    }

    public Task ApplyWaitingSummariesAsync(CancellationToken cancellationToken = default) =>
        _waitingSummaries.WriteAsync(async summaries =>
        {
            var indicators = new Dictionary<string, IndicatorSummary>(Stored.State.Indicators, StringComparer.Ordinal);
            var changed = false;
            foreach (var summary in summaries)
            {
                if (!indicators.TryGetValue(summary.IndicatorId, out var held) || held.Sequence < summary.Sequence)
                {
                    indicators[summary.IndicatorId] = summary;
                    changed = true;
                }
            }

            if (changed && Registered)
            {
                await CommitAsync(Stored.State with { Indicators = indicators }, cancellationToken);
            }
        });

    /// <summary>Writes the state and, when what rollups show changed, a new snapshot for the network shard and every cohort, in one write.</summary>
    private async Task CommitAsync(PartnershipState next, CancellationToken cancellationToken)
    {
        // Read before building: should the year turn during the build, the recorded year is the older one and the
        // next write builds again (never the other way round).
        var year = Time.GetUtcNow().Year;
        var last = Stored.State.LastSnapshot;
        if (last is not null && ReferenceEquals(_snapshotCurrentFor, Stored.State) && _snapshotCurrentYear == year && SameSnapshotInputs(Stored.State, next))
        {
            await CommitAsync(next, [], cancellationToken);
            MarkSnapshotCurrent(year);
            return;
        }

        var candidate = BuildSnapshot(next, (last?.Sequence ?? 0) + 1);
        if (last is not null && SameContent(last, candidate))
        {
            await CommitAsync(next, [], cancellationToken);
            MarkSnapshotCurrent(year);
            return;
        }

        // The shard counts the change from the snapshot it holds (the last one published) to the new one, computed here
        // so that the outbox stores counts, not both snapshots (ADR 0022); cohorts keep the latest snapshot of each
        // member, so only the newest matters to them.
        List<OutboundEvent<PartnershipEvent>> events =
        [
            new(OutboxTarget.NetworkShard, GrainKeys.NetworkShardKey(candidate.PartnershipId), PartnershipEvent.ForShard(ShardUpdates.ToChange(new SnapshotUpdate(last, candidate))),
                LatestOnly: false, PartnershipEvent.MergeShard),
            .. candidate.CohortIds.Select(c => new OutboundEvent<PartnershipEvent>(OutboxTarget.Cohort, c, PartnershipEvent.ForCohort(candidate), LatestOnly: true)),
        ];
        await CommitAsync(next with { LastSnapshot = candidate }, events, cancellationToken);
        MarkSnapshotCurrent(year);
    }

    /// <summary>After a successful write: the stored state's LastSnapshot has the content built from it for <paramref name="year"/>.</summary>
    private void MarkSnapshotCurrent(int year)
    {
        _snapshotCurrentFor = Stored.State;
        _snapshotCurrentYear = year;
    }

    /// <summary>Whether <paramref name="next"/> holds the same values as <paramref name="held"/> for everything <see cref="BuildSnapshot"/> reads.</summary>
    private static bool SameSnapshotInputs(PartnershipState held, PartnershipState next) =>
        ReferenceEquals(held.Profile, next.Profile)
        && held.CreateTime == next.CreateTime
        && ReferenceEquals(held.Assessments, next.Assessments)
        && ReferenceEquals(held.Examples, next.Examples)
        && ReferenceEquals(held.Indicators, next.Indicators)
        && ReferenceEquals(held.Reevaluations, next.Reevaluations)
        && ReferenceEquals(held.CohortIds, next.CohortIds);

    public async Task<PartnershipSnapshot?> PublishSnapshotAsync(CancellationToken cancellationToken = default)
    {
        if (!Registered)
        {
            return null;
        }

        var last = Stored.State.LastSnapshot;
        if (last is null || !SameContent(last, BuildSnapshot(Stored.State, last.Sequence)))
        {
            _snapshotCurrentFor = null; // the content differs: build and publish, whatever this activation noted
            await CommitAsync(Stored.State, cancellationToken);
        }

        // The shard counts the snapshot returned: a pending update ending at it must stay as it is (a merge would
        // give the next update an older base than the shard holds).
        SealOutbox();
        return Stored.State.LastSnapshot;
    }

    protected override Task DeliverAsync(OutboxEntry<PartnershipEvent> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);

        // An entry stored before ADR 0016 reads without its snapshot; it announced the last snapshot published (each
        // publication replaced the older entry per receiver), whose base was never recorded.
        var last = Stored.State.LastSnapshot;
        if (entry.Target == OutboxTarget.Cohort)
        {
            return (entry.Payload.Latest ?? last) is { } snapshot
                ? GrainFactory.GetGrain<ICohortGrain>(entry.TargetKey).ApplyMemberSnapshotAsync(snapshot)
                : Task.CompletedTask;
        }

        var change = entry.Payload.ShardChange() ?? (last is null ? null : ShardUpdates.ToChange(new SnapshotUpdate(null, last, BaseUnknown: true)));
        return change is null ? Task.CompletedTask : _shard.Get(GrainFactory, entry.TargetKey).ApplyChangeAsync(change);
    }

    /// <summary>
    /// Whether two snapshots show the same (their JSON, sequence aside, is the definition). The fields an indicator
    /// change moves are compared first, by value (records of enums and counts: unequal values serialize unequally), so a
    /// changed snapshot is told apart without serializing either.
    /// </summary>
    private static bool SameContent(PartnershipSnapshot a, PartnershipSnapshot b) =>
        a.Gateway == b.Gateway
        && a.OutcomeTrends.SequenceEqual(b.OutcomeTrends)
        && a.GapsByOutcome.SequenceEqual(b.GapsByOutcome)
        && a.Designations.SequenceEqual(b.Designations)
        && JsonSerializer.SerializeToUtf8Bytes(a with { Sequence = 0 }).AsSpan().SequenceEqual(JsonSerializer.SerializeToUtf8Bytes(b with { Sequence = 0 }));

    private PartnershipSnapshot BuildSnapshot(PartnershipState s, long sequence)
    {
        var profile = s.Profile!;
        var assessed = AssessedFor(s);
        var indicators = IndicatorStatuses(s);
        var summaries = s.Indicators.Values.ToList();

        var currentYear = Time.GetUtcNow().Year;
        var firstYear = new[] { s.CreateTime.Year }
            .Concat(s.Assessments.Select(a => a.AssessmentDate.Year))
            .Concat(s.Examples.Select(e => e.OccurrenceDate.Year))
            .Concat(summaries.SelectMany(i => i.ByYear).Select(y => y.Year))
            .Where(y => y >= IndicatorDefinition.MinimumYear)
            .DefaultIfEmpty(currentYear)
            .Min();
        var years = _history.Build(ReplayWithoutIndicators(s, assessed.History, assessed.Ledger, Math.Min(firstYear, currentYear), currentYear), indicators);

        return new PartnershipSnapshot(
            Key, sequence, profile.DisplayName, profile.UsState, profile.FrameworkId, assessed.Shown,
            assessed.Standing,
            PartnershipRules.OutcomeTrends(indicators, null),
            PartnershipRules.GapCounts(indicators, null),
            assessed.Statuses, years, s.CohortIds);
    }

    /// <summary>
    /// What a snapshot takes from the assessments and the designation ledger alone, kept for the last (assessments,
    /// ledger, framework) seen, by reference: an indicator summary (the common write) does not place the partnership
    /// again. None of it reads the clock.
    /// </summary>
    private Assessed AssessedFor(PartnershipState s)
    {
        var frameworkId = s.Profile!.FrameworkId;
        if (_assessed is { } held && ReferenceEquals(held.Assessments, s.Assessments) && ReferenceEquals(held.Reevaluations, s.Reevaluations)
            && string.Equals(held.FrameworkId, frameworkId, StringComparison.Ordinal))
        {
            return held;
        }

        var framework = PartnershipRules.Framework(frameworkId);
        var history = PartnershipRules.History(framework, s.Assessments);
        var ledger = DesignationRecords.Ledger(s.Reevaluations);
        var statuses = history.Latest.Values
            .Where(a => a.Status != BenchmarkStatus.NotStarted)
            .OrderBy(a => a.BenchmarkId, StringComparer.Ordinal)
            .Select(a => new BenchmarkStatusEntry(a.BenchmarkId, a.Status))
            .ToList();
        _assessed = new Assessed(
            s.Assessments, s.Reevaluations, frameworkId, history, ledger,
            GatewaySequence.Shown(framework, GatewayRules.Place(history), ledger).Stage,
            statuses,
            PartnershipRules.ToDesignations(ledger.Standing()));
        return _assessed;
    }

    /// <summary>
    /// The statuses of the state's summaries (<see cref="PartnershipRules.ToStatus"/>, in
    /// <see cref="PartnershipRules.InStatusOrder"/>), reusing the status of every summary that is the same object as
    /// when it was last converted; entries of indicators no longer held are dropped. Every view and evaluation reads
    /// them through here.
    /// </summary>
    private IReadOnlyList<IndicatorStatus> IndicatorStatuses(PartnershipState s)
    {
        var held = _indicatorStatuses ??= new(StringComparer.Ordinal);
        if (held.Keys.Any(id => !s.Indicators.ContainsKey(id)))
        {
            held.Clear();
        }

        var statuses = new List<IndicatorStatus>(s.Indicators.Count);
        foreach (var summary in PartnershipRules.InStatusOrder(s.Indicators.Values))
        {
            if (!held.TryGetValue(summary.IndicatorId, out var entry) || !ReferenceEquals(entry.Summary, summary))
            {
                entry = (summary, PartnershipRules.ToStatus(summary));
                held[summary.IndicatorId] = entry;
            }

            statuses.Add(entry.Status);
        }

        return statuses;
    }

    /// <summary>The part of a snapshot the assessments and the ledger decide (see <see cref="AssessedFor"/>).</summary>
    private sealed record Assessed(
        IReadOnlyList<AssessmentEntry> Assessments,
        IReadOnlyList<ReevaluationRecord>? Reevaluations,
        string FrameworkId,
        AssessmentHistory History,
        DesignationHistory Ledger,
        GatewayStage Shown,
        IReadOnlyList<BenchmarkStatusEntry> Statuses,
        IReadOnlyList<Designation> Standing);

    /// <summary>
    /// The per-year placement and designations, which only assessments and the ledger move: kept for the last
    /// (assessments, ledger, framework, years) seen, by reference, so an indicator change (the common write) does not
    /// place the partnership again for every year.
    /// </summary>
    private IReadOnlyList<PartnershipYearStatus> ReplayWithoutIndicators(PartnershipState s, AssessmentHistory history, DesignationHistory ledger, int firstYear, int lastYear)
    {
        if (_replay is { } held && ReferenceEquals(held.Assessments, s.Assessments) && ReferenceEquals(held.Reevaluations, s.Reevaluations)
            && string.Equals(held.FrameworkId, s.Profile!.FrameworkId, StringComparison.Ordinal) && held.FirstYear == firstYear && held.LastYear == lastYear)
        {
            return held.Years;
        }

        var years = PartnershipStatusRules.Replay(history, [], ledger, firstYear, lastYear);
        _replay = (s.Assessments, s.Reevaluations, s.Profile!.FrameworkId, firstYear, lastYear, years);
        return years;
    }

    private static PartnershipProfile Normalize(PartnershipProfile p) => p with
    {
        LeadershipTableSectors = p.LeadershipTableSectors ?? [],
        KeyStaffRolesFilled = p.KeyStaffRolesFilled ?? [],
    };

    private void RequireRegistered()
    {
        if (!Registered)
        {
            throw new NotFoundException($"Partnership '{Key}' does not exist.");
        }
    }

    private PartnershipInfo Info()
    {
        var snapshot = Stored.State.LastSnapshot ?? CurrentSnapshot();
        return new PartnershipInfo(Key, Stored.State.Profile!, snapshot.Gateway, snapshot.Designations, Etag, Stored.State.CreateTime, Stored.State.UpdateTime);
    }
}
