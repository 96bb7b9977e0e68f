using System.Globalization;
using System.Text.Json;
using Microsoft.Extensions.Options;
using StriveNetwork.Actors;
using StriveNetwork.Actors.Streams;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a partnership grain.</summary>
public sealed record PartnershipState
{
    public PartnershipProfile? Profile { get; init; }

    public DateTimeOffset CreateTime { get; init; }

    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>Bumped on every profile or assessment write; the etag is derived from it.</summary>
    public long Revision { get; init; }

    /// <summary>Every assessment entry, in recording order.</summary>
    public IReadOnlyList<AssessmentEntry> Assessments { get; init; } = [];

    /// <summary>Systems-change examples by id (re-sending an id replaces it).</summary>
    public IReadOnlyList<SystemsChangeEntry> Examples { get; init; } = [];

    /// <summary>Latest summary per indicator id.</summary>
    public IReadOnlyDictionary<string, IndicatorSummary> Indicators { get; init; } = new Dictionary<string, IndicatorSummary>();

    /// <summary>Cohorts the partnership belongs to, ascending.</summary>
    public IReadOnlyList<string> CohortIds { get; init; } = [];

    /// <summary>The last snapshot published (its Sequence is the producer sequence).</summary>
    public PartnershipSnapshot? LastSnapshot { get; init; }
}

/// <summary>A member partnership (key: partnership id): profile, assessments, placement, designations, snapshots.</summary>
[GrainType("partnership")]
[ImplicitStreamSubscription(GrainStreams.PartnershipIndicators)]
public sealed class PartnershipGrain(
    [PersistentState("partnership")] IPersistentState<PartnershipState> state,
    IOptions<SuppressionSettings> settings,
    TimeProvider time) : Grain, IPartnershipGrain, IStreamSubscriber
{
    private bool Registered => state.State.Profile is not null;

    private string Etag => "r" + state.State.Revision.ToString(CultureInfo.InvariantCulture);

    public async Task<PartnershipInfo> RegisterAsync(PartnershipProfile profile, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(profile);
        if (!Ids.IsValid(GrainKey))
        {
            throw new GrainValidationException("partnership_id", $"'{GrainKey}' must match ^[a-z][a-z0-9-]{{1,62}}$.");
        }

        PartnershipRules.ValidateProfile(profile);
        if (Registered)
        {
            throw new AlreadyExistsException($"Partnership '{GrainKey}' already exists.");
        }

        var now = time.GetUtcNow();
        await CommitAsync(state.State with { Profile = Normalize(profile), CreateTime = now, UpdateTime = now, Revision = 1 }, cancellationToken);
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

        var merged = PartnershipRules.Merge(state.State.Profile!, profile, fields);
        PartnershipRules.ValidateProfile(merged);
        if (!string.Equals(etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag '{etag}' does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        await CommitAsync(state.State with { Profile = Normalize(merged), UpdateTime = time.GetUtcNow(), Revision = state.State.Revision + 1 }, cancellationToken);
        return Info();
    }

    public async Task<AssessmentReceipt> RecordAssessmentAsync(AssessmentBatch batch, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(batch);
        RequireRegistered();
        var framework = PartnershipRules.Framework(state.State.Profile!.FrameworkId);
        PartnershipRules.ValidateBatch(batch, framework, DateOnly.FromDateTime(time.GetUtcNow().UtcDateTime));
        if (!string.IsNullOrEmpty(batch.Etag) && !string.Equals(batch.Etag, Etag, StringComparison.Ordinal))
        {
            throw new ConflictException($"etag '{batch.Etag}' does not match the current etag '{Etag}'; re-read the partnership and retry.");
        }

        var assessments = batch.Assessments ?? [];
        var examples = state.State.Examples.ToDictionary(e => e.ExampleId, StringComparer.Ordinal);
        foreach (var e in batch.Examples ?? [])
        {
            examples[e.ExampleId] = e;
        }

        await CommitAsync(
            state.State with
            {
                Assessments = [.. state.State.Assessments, .. assessments],
                Examples = [.. examples.Values.OrderBy(e => e.ExampleId, StringComparer.Ordinal)],
                UpdateTime = time.GetUtcNow(),
                Revision = state.State.Revision + 1,
            },
            cancellationToken);
        return new AssessmentReceipt(assessments.Count, Etag);
    }

    public Task<PartnershipProgress> GetProgressAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        var framework = PartnershipRules.Framework(state.State.Profile!.FrameworkId);
        var history = PartnershipRules.History(framework, state.State.Assessments);
        var placement = GatewayRules.Place(history);
        var designations = DesignationEvaluator.EvaluateAll(PartnershipRules.Evidence(history, state.State.Indicators.Values, state.State.Examples, null));
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
            GrainKey, framework.Id, stage, gateways, next, missing,
            [.. designations.Select(PartnershipRules.View)],
            [.. state.State.Examples.OrderByDescending(e => e.OccurrenceDate).ThenBy(e => e.ExampleId, StringComparer.Ordinal)],
            explanation));
    }

    public async Task<ReportCardView> GetReportCardAsync(int year, CancellationToken cancellationToken = default)
    {
        if (year != 0 && year is < IndicatorDefinition.MinimumYear or > IndicatorDefinition.MaximumYear)
        {
            throw new GrainValidationException("year", $"{year} is neither 0 nor within 1990..2100.");
        }

        RequireRegistered();
        var resolved = year != 0 ? year : state.State.Indicators.Values.SelectMany(s => s.ByYear).Select(y => y.Year).DefaultIfEmpty(0).Max();
        var entries = new List<(IndicatorSummary Summary, ReportCardIndicatorView View)>();
        foreach (var summary in state.State.Indicators.Values)
        {
            var view = await GrainFactory.GetGrain<IIndicatorGrain>(GrainStreams.IndicatorKey(GrainKey, summary.IndicatorId))
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
        return new ReportCardView(GrainKey, state.State.Profile!.DisplayName, resolved, settings.Value.MinimumN, outcomes, time.GetUtcNow());
    }

    public Task<PartnershipSnapshot> GetSnapshotAsync(CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        return Task.FromResult(BuildSnapshot(state.State, state.State.LastSnapshot?.Sequence ?? 0));
    }

    public async Task<PartnershipSnapshot> JoinCohortAsync(string cohortId, CancellationToken cancellationToken = default)
    {
        RequireRegistered();
        if (!state.State.CohortIds.Contains(cohortId, StringComparer.Ordinal))
        {
            await CommitAsync(state.State with { CohortIds = [.. state.State.CohortIds.Append(cohortId).Order(StringComparer.Ordinal)] }, cancellationToken);
        }

        return state.State.LastSnapshot ?? BuildSnapshot(state.State, 0);
    }

    public async Task LeaveCohortAsync(string cohortId, CancellationToken cancellationToken = default)
    {
        if (state.State.CohortIds.Contains(cohortId, StringComparer.Ordinal))
        {
            await CommitAsync(state.State with { CohortIds = [.. state.State.CohortIds.Where(c => c != cohortId)] }, cancellationToken);
        }
    }

    public Task<IReadOnlyList<string>> GetIndicatorIdsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<string>>([.. state.State.Indicators.Keys.Order(StringComparer.Ordinal)]);

    public async Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(streamEvent);
        var summary = streamEvent.GetPayload<IndicatorSummary>();
        if (!Registered || !string.Equals(summary.PartnershipId, GrainKey, StringComparison.Ordinal))
        {
            return;
        }

        if (state.State.Indicators.TryGetValue(summary.IndicatorId, out var held) && held.Sequence >= summary.Sequence)
        {
            return; // redelivered or older: the held summary already reflects it
        }

        var indicators = new Dictionary<string, IndicatorSummary>(state.State.Indicators, StringComparer.Ordinal) { [summary.IndicatorId] = summary };
        await CommitAsync(state.State with { Indicators = indicators }, cancellationToken);
    }

    /// <summary>Writes the state and, when what rollups show changed, a new snapshot to the network and to every cohort, in one transaction.</summary>
    private async Task CommitAsync(PartnershipState next, CancellationToken cancellationToken)
    {
        var last = state.State.LastSnapshot;
        var candidate = BuildSnapshot(next, (last?.Sequence ?? 0) + 1);
        var publish = last is null || !SameContent(last, candidate);
        if (publish)
        {
            StageEvent(GrainStreams.NetworkShards, GrainStreams.NetworkShardKey(candidate.PartnershipId), candidate);
            foreach (var cohortId in candidate.CohortIds)
            {
                StageEvent(GrainStreams.Cohort, cohortId, candidate);
            }
        }

        await StateWrites.ReplaceAsync(state, publish ? next with { LastSnapshot = candidate } : next, DeactivateOnIdle, cancellationToken);
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

        var currentYear = time.GetUtcNow().Year;
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
            GrainKey, sequence, profile.DisplayName, profile.UsState, profile.FrameworkId, stage,
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
            throw new NotFoundException($"Partnership '{GrainKey}' does not exist.");
        }
    }

    private PartnershipInfo Info()
    {
        var snapshot = state.State.LastSnapshot ?? BuildSnapshot(state.State, 0);
        return new PartnershipInfo(GrainKey, state.State.Profile!, snapshot.Gateway, snapshot.Designations, Etag, state.State.CreateTime, state.State.UpdateTime);
    }
}
