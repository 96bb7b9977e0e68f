using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Grains.Requests;
using StriveNetwork.Domain.Identifiers;

namespace StriveNetwork.Grains;

/// <summary>Durable state of a cohort grain.</summary>
[GenerateSerializer, Immutable, Alias("strive.CohortState")]
public sealed record CohortState
{
    [Id(0)]
    public bool Created { get; init; }

    [Id(1)]
    public string DisplayName { get; init; } = string.Empty;

    [Id(2)]
    public string Description { get; init; } = string.Empty;

    [Id(3)]
    public IReadOnlyList<string> MemberIds { get; init; } = [];

    /// <summary>Latest snapshot per member.</summary>
    [Id(4)]
    public IReadOnlyDictionary<string, PartnershipSnapshot> Snapshots { get; init; } = new Dictionary<string, PartnershipSnapshot>();

    [Id(5)]
    public DateTimeOffset CreateTime { get; init; }

    [Id(6)]
    public DateTimeOffset UpdateTime { get; init; }

    /// <summary>The client request ids of recent writes, recorded in the write itself (docs/adr/0011).</summary>
    [Id(20)]
    public RequestLog Requests { get; init; } = RequestLog.Empty;
}

/// <summary>A peer-learning cohort (key: cohort id): members, their latest snapshots, comparison matrix and rollup.</summary>
[GrainType("cohort")]
public sealed class CohortGrain(
    [PersistentState("cohort")] IPersistentState<CohortState> state,
    RequestRecorder requests,
    TimeProvider time) : Grain, ICohortGrain
{
    private string? _key;

    // Held: the grain id decodes its key into a new string on every call.
    private string Key => _key ??= this.GetPrimaryKeyString();


    private const int MaxMembers = 500;

    public async Task<CohortInfo> CreateAsync(string displayName, string description, IReadOnlyList<string> memberIds, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(memberIds);
        if (requests.Replay(state.State.Requests, request) is not null)
        {
            RequireCreated();
            return Info();
        }

        Require(StriveId.IsValid(Key), "cohort_id", $"is not a valid id ({StriveId.Rule}).");
        Require(!string.IsNullOrWhiteSpace(displayName) && displayName.Length <= 200, "display_name", "must be 1..200 characters.");
        Require((description ?? string.Empty).Length <= 2000, "description", "must be at most 2,000 characters.");
        Require(memberIds.Count <= MaxMembers, "member_ids", $"{memberIds.Count} members is more than {MaxMembers}.");
        for (var i = 0; i < memberIds.Count; i++)
        {
            Require(StriveId.IsValid(memberIds[i]), $"member_ids[{i}]", $"is not a valid partnership id ({StriveId.Rule}).");
            Require(memberIds.Take(i).All(m => m != memberIds[i]), $"member_ids[{i}]", $"'{memberIds[i]}' appears twice.");
        }

        if (state.State.Created)
        {
            throw new AlreadyExistsException($"Cohort '{Key}' already exists.");
        }

        foreach (var id in memberIds)
        {
            if (!await GrainFactory.GetGrain<IPartnershipGrain>(id).ExistsAsync(cancellationToken))
            {
                throw new NotFoundException($"member_ids: partnership '{id}' does not exist.");
            }
        }

        var snapshots = new Dictionary<string, PartnershipSnapshot>(StringComparer.Ordinal);
        foreach (var id in memberIds)
        {
            snapshots[id] = await GrainFactory.GetGrain<IPartnershipGrain>(id).JoinCohortAsync(Key, cancellationToken);
        }

        var now = time.GetUtcNow();
        await WriteAsync(
            new CohortState
            {
                Created = true,
                DisplayName = displayName!,
                Description = description ?? string.Empty,
                MemberIds = [.. memberIds.Order(StringComparer.Ordinal)],
                Snapshots = snapshots,
                CreateTime = now,
                UpdateTime = now,
                Requests = requests.Record(state.State.Requests, request, RequestResult.Done),
            },
            cancellationToken);
        return Info();
    }

    public Task<CohortInfo> GetAsync(CancellationToken cancellationToken = default)
    {
        RequireCreated();
        return Task.FromResult(Info());
    }

    public async Task<MembershipChange> AddMemberAsync(string partnershipId, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        Require(StriveId.IsValid(partnershipId), "partnership_id", $"is not a valid partnership id ({StriveId.Rule}).");
        if (requests.Replay(state.State.Requests, request) is { } replay)
        {
            RequireCreated();
            return new MembershipChange(Info(), replay.Changed ?? throw RequestRecorder.Reused());
        }

        RequireCreated();
        if (state.State.MemberIds.Contains(partnershipId, StringComparer.Ordinal))
        {
            await RecordOnlyAsync(request, changed: false, cancellationToken);
            return new MembershipChange(Info(), false);
        }

        if (state.State.MemberIds.Count >= MaxMembers)
        {
            throw new PreconditionFailedException($"Cohort '{Key}' already has {MaxMembers} members.");
        }

        var partnership = GrainFactory.GetGrain<IPartnershipGrain>(partnershipId);
        if (!await partnership.ExistsAsync(cancellationToken))
        {
            throw new NotFoundException($"Partnership '{partnershipId}' does not exist.");
        }

        var snapshot = await partnership.JoinCohortAsync(Key, cancellationToken);
        var snapshots = new Dictionary<string, PartnershipSnapshot>(state.State.Snapshots, StringComparer.Ordinal);
        if (!snapshots.TryGetValue(partnershipId, out var held) || held.Sequence < snapshot.Sequence)
        {
            snapshots[partnershipId] = snapshot;
        }

        await WriteAsync(
            state.State with
            {
                MemberIds = [.. state.State.MemberIds.Append(partnershipId).Order(StringComparer.Ordinal)],
                Snapshots = snapshots,
                UpdateTime = time.GetUtcNow(),
                Requests = requests.Record(state.State.Requests, request, new RequestResult { Changed = true }),
            },
            cancellationToken);
        return new MembershipChange(Info(), true);
    }

    public async Task<MembershipChange> RemoveMemberAsync(string partnershipId, RequestKey? request = null, CancellationToken cancellationToken = default)
    {
        Require(StriveId.IsValid(partnershipId), "partnership_id", $"is not a valid partnership id ({StriveId.Rule}).");
        if (requests.Replay(state.State.Requests, request) is { } replay)
        {
            RequireCreated();
            var changed = replay.Changed ?? throw RequestRecorder.Reused();
            if (changed && !state.State.MemberIds.Contains(partnershipId, StringComparer.Ordinal))
            {
                // The first call's message to the partnership may not have gone out; it is idempotent.
                await GrainFactory.GetGrain<IPartnershipGrain>(partnershipId).LeaveCohortAsync(Key, cancellationToken);
            }

            return new MembershipChange(Info(), changed);
        }

        RequireCreated();
        if (!state.State.MemberIds.Contains(partnershipId, StringComparer.Ordinal))
        {
            await RecordOnlyAsync(request, changed: false, cancellationToken);
            return new MembershipChange(Info(), false);
        }

        var snapshots = state.State.Snapshots.Where(kv => kv.Key != partnershipId).ToDictionary(StringComparer.Ordinal);
        await WriteAsync(
            state.State with
            {
                MemberIds = [.. state.State.MemberIds.Where(m => m != partnershipId)],
                Snapshots = snapshots,
                UpdateTime = time.GetUtcNow(),
                Requests = requests.Record(state.State.Requests, request, new RequestResult { Changed = true }),
            },
            cancellationToken);

        // Membership is the cohort's decision and is already stored; the partnership only stops sending snapshots.
        await GrainFactory.GetGrain<IPartnershipGrain>(partnershipId).LeaveCohortAsync(Key, cancellationToken);
        return new MembershipChange(Info(), true);
    }

    public Task<IReadOnlyList<BenchmarkMatrixView>> CompareBenchmarksAsync(GatewayStage? gateway, CancellationToken cancellationToken = default)
    {
        RequireCreated();
        var matrices = Members()
            .GroupBy(s => s.FrameworkId, StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .Select(g =>
            {
                var framework = FrameworkCatalog.Embedded.Get(g.Key);
                var columns = framework.Gateways
                    .Where(gw => gateway is null || gw.Stage == gateway)
                    .SelectMany(gw => framework.Pillars.SelectMany(p => framework.BenchmarksIn(gw.Id).Where(b => b.PillarId == p.Id)
                        .Select(b => new BenchmarkColumnView(b.Id, gw.Stage, p.Id, b.Text))))
                    .ToList();
                var rows = g.OrderBy(s => s.PartnershipId, StringComparer.Ordinal).Select(s =>
                {
                    var statuses = s.BenchmarkStatuses.ToDictionary(b => b.BenchmarkId, b => b.Status, StringComparer.Ordinal);
                    return new MemberRowView(s.PartnershipId, s.DisplayName, s.Gateway,
                        [.. columns.Select(c => statuses.GetValueOrDefault(c.BenchmarkId, BenchmarkStatus.NotStarted))]);
                }).ToList();
                var met = columns.Select((_, i) => rows.Count(r => r.Statuses[i] == BenchmarkStatus.Met)).ToList();
                return new BenchmarkMatrixView(g.Key, columns, rows, met);
            })
            .ToList();
        return Task.FromResult<IReadOnlyList<BenchmarkMatrixView>>(matrices);
    }

    public Task<CohortRollup> GetRollupAsync(CancellationToken cancellationToken = default)
    {
        RequireCreated();
        var members = Members().OrderBy(s => s.PartnershipId, StringComparer.Ordinal).ToList();
        var gateways = Enum.GetValues<GatewayStage>().Select(g => new StageCount(g, members.Count(m => m.Gateway == g))).ToList();
        var designations = Enum.GetValues<Designation>().Select(d => new DesignationCount(d, members.Count(m => m.Designations.Contains(d)))).ToList();
        var trends = Enum.GetValues<Outcome>().Select(o =>
        {
            var directions = members.Select(m => m.OutcomeTrends.FirstOrDefault(t => t.Outcome == o)?.Direction).ToList();
            return new OutcomeTrendCount(o,
                directions.Count(d => d == TrendDirection.Improved),
                directions.Count(d => d == TrendDirection.Maintained),
                directions.Count(d => d == TrendDirection.Worsened),
                directions.Count(d => d == TrendDirection.InsufficientData),
                directions.Count(d => d is null));
        }).ToList();
        var views = members.Select(m => new CohortMemberView(m.PartnershipId, m.DisplayName, m.FrameworkId, m.Gateway, m.Designations, m.OutcomeTrends)).ToList();
        return Task.FromResult(new CohortRollup(Key, state.State.MemberIds.Count, gateways, designations, trends, views, state.State.UpdateTime));
    }

    public Task<bool> IsMemberAsync(string partnershipId, CancellationToken cancellationToken = default) =>
        Task.FromResult(state.State.Created && state.State.MemberIds.Contains(partnershipId, StringComparer.Ordinal));

    public async Task ApplyMemberSnapshotAsync(PartnershipSnapshot snapshot, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(snapshot);
        if (!state.State.Created || !state.State.MemberIds.Contains(snapshot.PartnershipId, StringComparer.Ordinal))
        {
            return; // sent before the member left, or before the cohort stored the membership
        }

        if (state.State.Snapshots.TryGetValue(snapshot.PartnershipId, out var held) && held.Sequence >= snapshot.Sequence)
        {
            return;
        }

        var snapshots = new Dictionary<string, PartnershipSnapshot>(state.State.Snapshots, StringComparer.Ordinal) { [snapshot.PartnershipId] = snapshot };
        await WriteAsync(state.State with { Snapshots = snapshots, UpdateTime = time.GetUtcNow() }, cancellationToken);
    }

    private IEnumerable<PartnershipSnapshot> Members() =>
        state.State.MemberIds.Select(id => state.State.Snapshots.GetValueOrDefault(id)).OfType<PartnershipSnapshot>();

    private Task WriteAsync(CohortState next, CancellationToken cancellationToken) =>
        StateWrites.ReplaceAsync(state, next, DeactivateOnIdle, cancellationToken);

    /// <summary>Records a request that changed nothing (a write of the log alone); nothing without a key.</summary>
    private Task RecordOnlyAsync(RequestKey? request, bool changed, CancellationToken cancellationToken) =>
        request is null
            ? Task.CompletedTask
            : WriteAsync(state.State with { Requests = requests.Record(state.State.Requests, request, new RequestResult { Changed = changed }) }, cancellationToken);

    private void RequireCreated()
    {
        if (!state.State.Created)
        {
            throw new NotFoundException($"Cohort '{Key}' does not exist.");
        }
    }

    private CohortInfo Info() =>
        new(Key, state.State.DisplayName, state.State.Description, state.State.MemberIds, state.State.CreateTime, state.State.UpdateTime);

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new GrainValidationException(field, message);
        }
    }
}
