using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Outbox;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a partnership grain.</summary>
[GenerateSerializer, Immutable, Alias("strive.PartnershipState")]
public sealed record PartnershipState : IOutboxState<PartnershipState, PartnershipSnapshot>
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

    /// <summary>Every assessment entry, in recording order.</summary>
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

    /// <summary>Snapshots owed to the network shard and to cohorts (the latest per receiver).</summary>
    [Id(9)]
    public Outbox<PartnershipSnapshot> Outbox { get; init; } = Outbox<PartnershipSnapshot>.Empty;

    /// <inheritdoc />
    public PartnershipState WithOutbox(Outbox<PartnershipSnapshot> outbox) => this with { Outbox = outbox };
}

/// <summary>A member partnership (key: partnership id): profile, assessments, placement, designations, snapshots.</summary>
[GrainType("partnership")]
public sealed class PartnershipGrain(
    [PersistentState("partnership")] IPersistentState<PartnershipState> state,
    IOptions<SuppressionSettings> settings,
    ILogger<PartnershipGrain> logger,
    TimeProvider time) : OutboxGrain<PartnershipState, PartnershipSnapshot>(state, logger, time), IPartnershipGrain
{
    private string Key => this.GetPrimaryKeyString();


    private bool Registered => Stored.State.Profile is not null;

    private string Etag => "r" + Stored.State.Revision.ToString(CultureInfo.InvariantCulture);

    public async Task<PartnershipInfo> RegisterAsync(PartnershipProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!Ids.IsValid(Key))
        {
            throw new GrainValidationException("partnership_id", $"'{Key}' must match ^[a-z][a-z0-9-]{{1,62}}$.");
        }

        PartnershipRules.ValidateProfile(profile);
        if (Registered)
        {
            throw new AlreadyExistsException($"Partnership '{Key}' already exists.");
        }

        var now = Time.GetUtcNow();
        await CommitAsync(Stored.State with { Profile = Normalize(profile), CreateTime = now, UpdateTime = now, Revision = 1 }, cancellationToken);
        return Info();
    }

    public Task<PartnershipInfo> GetAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(Info());
    }

    public Task<bool> ExistsAsync(CancellationToken cancellationToken = default) => Task.FromResult(Registered);

    public async Task<PartnershipInfo> UpdateProfileAsync(PartnershipProfile profile, IReadOnlyList<string> fields, string etag, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        ArgumentNullException.ThrowIfNull(fields);
        RequireRegistered();
        if (string.IsNullOrEmpty(etag))
        {
            throw new GrainValidationException("etag", "is required; send the etag last read.");
        }

        var merged = PartnershipRules.Merge(Stored.State.Profile!, profile, fields);
        PartnershipRules.ValidateProfile(merged);
        if (!string.Equals(etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag '{etag}' does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        await CommitAsync(Stored.State with { Profile = Normalize(merged), UpdateTime = Time.GetUtcNow(), Revision = Stored.State.Revision + 1 }, cancellationToken);
        return Info();
    }

    public async Task<AssessmentReceipt> RecordAssessmentAsync(AssessmentBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RequireRegistered();
        var framework = PartnershipRules.Framework(Stored.State.Profile!.FrameworkId);
        PartnershipRules.ValidateBatch(batch, framework, DateOnly.FromDateTime(Time.GetUtcNow().UtcDateTime));
        if (!string.IsNullOrEmpty(batch.Etag) && !string.Equals(batch.Etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag '{batch.Etag}' does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        var assessments = batch.Assessments ?? [];
        var examples = Stored.State.Examples.ToDictionary(e => e.ExampleId, StringComparer.Ordinal);
        foreach (var e in batch.Examples ?? [])
        {
            examples[e.ExampleId] = e;
        }

        await CommitAsync(
            Stored.State with
            {
                Assessments = [.. Stored.State.Assessments, .. assessments],
                Examples = [.. examples.Values.OrderBy(e => e.ExampleId, StringComparer.Ordinal)],
                UpdateTime = Time.GetUtcNow(),
                Revision = Stored.State.Revision + 1,
            },
            cancellationToken);
        return new AssessmentReceipt(assessments.Count, Etag);
    }

    public Task<PartnershipProgress> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        var framework = PartnershipRules.Framework(Stored.State.Profile!.FrameworkId);
        var history = PartnershipRules.History(framework, Stored.State.Assessments);
        var placement = GatewayRules.Place(history);
        var designations = DesignationEvaluator.EvaluateAll(PartnershipRules.Evidence(history, Stored.State.Indicators.Values, Stored.State.Examples, null));
        var stage = PartnershipRules.Stage(framework, placement, designations);
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
        var byDesignation = placement.Next is null || placement.NextReachedByDesignation || stage > placement.Current.Stage;
        var next = byDesignation ? stage : placement.Next!.Stage;
        var missing = byDesignation ? [] : placement.MissingForNext;
        var held = PartnershipRules.Held(designations);
        var explanation = placement.Explanation + (held.Count > 0 ? $" Holds {string.Join(", ", held)}; gateway {stage}." : string.Empty);
        return Task.FromResult(new PartnershipProgress(
            Key, framework.Id, stage, gateways, next, missing,
            [.. designations.Select(PartnershipRules.View)],
            [.. Stored.State.Examples.OrderByDescending(e => e.OccurrenceDate).ThenBy(e => e.ExampleId, StringComparer.Ordinal)],
            explanation));
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
        return new ReportCardView(Key, Stored.State.Profile!.DisplayName, resolved, settings.Value.MinimumN, outcomes, Time.GetUtcNow());
    }

    public Task<PartnershipSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(BuildSnapshot(Stored.State, Stored.State.LastSnapshot?.Sequence ?? 0));
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

    public async Task ApplyIndicatorSummaryAsync(IndicatorSummary summary, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(summary);
        if (!Registered || !string.Equals(summary.PartnershipId, Key, StringComparison.Ordinal))
        {
            return;
        }

        if (Stored.State.Indicators.TryGetValue(summary.IndicatorId, out var held) && held.Sequence >= summary.Sequence)
        {
            return; // redelivered or older: the held summary already reflects it
        }

        var indicators = new Dictionary<string, IndicatorSummary>(Stored.State.Indicators, StringComparer.Ordinal) { [summary.IndicatorId] = summary };
        await CommitAsync(Stored.State with { Indicators = indicators }, cancellationToken);
    }

    /// <summary>Writes the state and, when what rollups show changed, a new snapshot for the network shard and every cohort, in one write.</summary>
    private async Task CommitAsync(PartnershipState next, CancellationToken cancellationToken)
    {
        var last = Stored.State.LastSnapshot;
        var candidate = BuildSnapshot(next, (last?.Sequence ?? 0) + 1);
        if (last is not null && SameContent(last, candidate))
        {
            await CommitAsync(next, [], cancellationToken);
            return;
        }

        List<OutboundEvent<PartnershipSnapshot>> events =
        [
            new(OutboxTarget.NetworkShard, GrainKeys.NetworkShardKey(candidate.PartnershipId), candidate, LatestOnly: true),
            .. candidate.CohortIds.Select(c => new OutboundEvent<PartnershipSnapshot>(OutboxTarget.Cohort, c, candidate, LatestOnly: true)),
        ];
        await CommitAsync(next with { LastSnapshot = candidate }, events, cancellationToken);
    }

    protected override Task DeliverAsync(OutboxEntry<PartnershipSnapshot> entry)
    {
        ArgumentNullException.ThrowIfNull(entry);
        return entry.Target == OutboxTarget.Cohort
            ? GrainFactory.GetGrain<ICohortGrain>(entry.TargetKey).ApplyMemberSnapshotAsync(entry.Payload)
            : GrainFactory.GetGrain<INetworkShardGrain>(entry.TargetKey).ApplyAsync(entry.Payload);
    }

    private static bool SameContent(PartnershipSnapshot a, PartnershipSnapshot b) =>
        string.Equals(JsonSerializer.Serialize(a with { Sequence = 0 }), JsonSerializer.Serialize(b with { Sequence = 0 }), StringComparison.Ordinal);

    private PartnershipSnapshot BuildSnapshot(PartnershipState s, long sequence)
    {
        var profile = s.Profile!;
        var framework = PartnershipRules.Framework(profile.FrameworkId);
        var indicators = s.Indicators.Values.OrderBy(i => i.IndicatorId, StringComparer.Ordinal).ToList();
        var history = PartnershipRules.History(framework, s.Assessments);
        var designations = DesignationEvaluator.EvaluateAll(PartnershipRules.Evidence(history, indicators, s.Examples, null));
        var stage = PartnershipRules.Stage(framework, GatewayRules.Place(history), designations);
        var statuses = history.Latest.Values
            .Where(a => a.Status != BenchmarkStatus.NotStarted)
            .OrderBy(a => a.BenchmarkId, StringComparer.Ordinal)
            .Select(a => new BenchmarkStatusEntry(a.BenchmarkId, a.Status))
            .ToList();

        var currentYear = Time.GetUtcNow().Year;
        var firstYear = new[] { s.CreateTime.Year }
            .Concat(s.Assessments.Select(a => a.AssessmentDate.Year))
            .Concat(s.Examples.Select(e => e.OccurrenceDate.Year))
            .Concat(indicators.SelectMany(i => i.ByYear).Select(y => y.Year))
            .Where(y => y >= IndicatorDefinition.MinimumYear)
            .DefaultIfEmpty(currentYear)
            .Min();
        var years = new List<YearStatus>();
        for (var year = Math.Min(firstYear, currentYear); year <= currentYear; year++)
        {
            var asOf = new DateOnly(year, 12, 31);
            var yearHistory = PartnershipRules.History(framework, s.Assessments, asOf);
            var yearDesignations = DesignationEvaluator.EvaluateAll(PartnershipRules.Evidence(yearHistory, indicators, s.Examples, year));
            years.Add(new YearStatus(
                year,
                PartnershipRules.Stage(framework, GatewayRules.Place(yearHistory), yearDesignations),
                PartnershipRules.Held(yearDesignations),
                PartnershipRules.OutcomeTrends(indicators, year),
                PartnershipRules.GapCounts(indicators, year).Aggregate(GapChangeCounts.Zero, (c, o) => c.Plus(o.Counts))));
        }

        return new PartnershipSnapshot(
            Key, sequence, profile.DisplayName, profile.UsState, profile.FrameworkId, stage,
            PartnershipRules.Held(designations),
            PartnershipRules.OutcomeTrends(indicators, null),
            PartnershipRules.GapCounts(indicators, null),
            statuses, years, s.CohortIds);
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
        var snapshot = Stored.State.LastSnapshot ?? BuildSnapshot(Stored.State, 0);
        return new PartnershipInfo(Key, Stored.State.Profile!, snapshot.Gateway, snapshot.Designations, Etag, Stored.State.CreateTime, Stored.State.UpdateTime);
    }
}
