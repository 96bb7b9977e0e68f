using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Silo.Demo;

/// <summary>Settings of the demo network; the defaults give the documented 70-partnership network.</summary>
public sealed record DemoOptions
{
    /// <summary>Seed of the generator: the same seed always gives the same network.</summary>
    public int Seed { get; init; } = 20_240_601;

    /// <summary>Number of partnerships, 1..70 (the tiers are filled in order of the full plan).</summary>
    public int PartnershipCount { get; init; } = 70;

    /// <summary>First school year with data (the baseline of most indicators).</summary>
    public int FirstYear { get; init; } = 2019;

    /// <summary>Latest school year with data.</summary>
    public int LastYear { get; init; } = 2024;

    /// <summary>Partnerships written concurrently (different partnerships are independent grains).</summary>
    public int Parallelism { get; init; } = 4;

    /// <summary>
    /// How long <see cref="DemoNetwork.LoadAsync"/> waits, after writing, for the streams to bring the network rollup
    /// in line with the partnerships (so the first reader sees the whole demo); zero does not wait.
    /// </summary>
    public TimeSpan SettleTimeout { get; init; } = TimeSpan.FromMinutes(2);

    /// <summary>Throws <see cref="ArgumentOutOfRangeException"/> naming the first bad setting.</summary>
    public void Validate()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(PartnershipCount, 1, nameof(PartnershipCount));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(PartnershipCount, 70, nameof(PartnershipCount));
        ArgumentOutOfRangeException.ThrowIfLessThan(FirstYear, 1990, nameof(FirstYear));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(LastYear, 2100, nameof(LastYear));
        ArgumentOutOfRangeException.ThrowIfLessThan(LastYear, FirstYear + 1, nameof(LastYear));
        ArgumentOutOfRangeException.ThrowIfLessThan(Parallelism, 1, nameof(Parallelism));
        ArgumentOutOfRangeException.ThrowIfLessThan(SettleTimeout, TimeSpan.Zero, nameof(SettleTimeout));
    }
}

/// <summary>
/// What <see cref="DemoNetwork.LoadAsync"/> did; <see cref="AlreadyLoaded"/> means nothing was written.
/// <see cref="RollupSettled"/>: the network rollup equalled its recomputation over every demo partnership before
/// the settle timeout.
/// </summary>
public sealed record DemoSummary(
    bool AlreadyLoaded,
    int PartnershipCount,
    int IndicatorCount,
    int ObservationCount,
    int CohortCount,
    IReadOnlyList<string> CohortIds,
    bool RollupSettled = false);

/// <summary>
/// Loads a realistic, deterministic demo network (<see cref="DemoPlan"/>) through the grain interfaces only, the
/// same way a member partnership's data system would through the API. Loading is once per store: when the last
/// cohort of the plan already exists with its members, nothing is written. A load interrupted half way is completed
/// by the next one, because every write is idempotent (registering or creating twice is tolerated, observations
/// replace the same cells).
/// </summary>
/// <param name="timeProvider">Clock for "today" (assessment dates are capped to it); the system clock by default.</param>
public sealed class DemoNetwork(TimeProvider? timeProvider = null)
{
    private const int SubmitBatchSize = 5_000;

    private readonly TimeProvider _timeProvider = timeProvider ?? TimeProvider.System;

    /// <summary>Loads the demo network unless it is already loaded.</summary>
    public async Task<DemoSummary> LoadAsync(IGrainFactory grains, DemoOptions options, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(grains);
        ArgumentNullException.ThrowIfNull(options);
        var today = DateOnly.FromDateTime(_timeProvider.GetUtcNow().UtcDateTime);
        var plan = DemoPlan.Create(options, today);
        var summary = new DemoSummary(
            AlreadyLoaded: false,
            plan.Partnerships.Count,
            plan.Partnerships.Sum(p => p.Indicators.Count),
            plan.ObservationCount,
            plan.Cohorts.Count,
            [.. plan.Cohorts.Select(c => c.CohortId)]);

        var marker = plan.Cohorts.LastOrDefault(c => c.MemberIds.Count > 0);
        if (marker is not null
            && await grains.GetGrain<ICohortGrain>(marker.CohortId).IsMemberAsync(marker.MemberIds[^1], cancellationToken).ConfigureAwait(false))
        {
            return summary with { AlreadyLoaded = true };
        }

        var parallel = new ParallelOptions { MaxDegreeOfParallelism = options.Parallelism, CancellationToken = cancellationToken };
        await Parallel.ForEachAsync(plan.Partnerships, parallel, (p, ct) => new ValueTask(WritePartnershipAsync(grains, p, ct))).ConfigureAwait(false);
        await Parallel.ForEachAsync(plan.Partnerships, parallel, (p, ct) => new ValueTask(ReevaluateAsync(grains, p, options, today, ct))).ConfigureAwait(false);

        // Cohorts last: the marker cohort existing means everything before it was written.
        foreach (var cohort in plan.Cohorts)
        {
            await WriteCohortAsync(grains, cohort, cancellationToken).ConfigureAwait(false);
        }

        return summary with { RollupSettled = await WaitForRollupAsync(grains, plan.Partnerships.Count, options.SettleTimeout, cancellationToken).ConfigureAwait(false) };
    }

    /// <summary>
    /// Polls until the network rollup counts <paramref name="partnerships"/> and equals its recomputation. Real time on
    /// purpose: this waits for stream delivery, which the grain clock does not drive.
    /// </summary>
    private static async Task<bool> WaitForRollupAsync(IGrainFactory grains, int partnerships, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var network = grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);
        var deadline = DateTime.UtcNow + timeout;
        while (true)
        {
            var report = await network.RecomputeAsync(apply: false, cancellationToken: cancellationToken).ConfigureAwait(false);
            if (report.Consistent && report.PartnershipCount >= partnerships)
            {
                return true;
            }

            if (DateTime.UtcNow >= deadline)
            {
                return false;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken).ConfigureAwait(false);
        }
    }

    internal static async Task WritePartnershipAsync(IGrainFactory grains, DemoPartnership partnership, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IPartnershipGrain>(partnership.PartnershipId);
        var resumed = false;
        try
        {
            await grain.RegisterAsync(partnership.Profile, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            // An earlier load was interrupted after this partnership; the writes below are idempotent.
            resumed = true;
        }

        // Data first, then the assessments, so designations are evaluated with the data in place.
        foreach (var indicator in partnership.Indicators)
        {
            var indicatorGrain = grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnership.PartnershipId, indicator.IndicatorId));
            await indicatorGrain.DefineAsync(indicator.Spec, cancellationToken: cancellationToken).ConfigureAwait(false);
            foreach (var chunk in indicator.Rows.Chunk(SubmitBatchSize))
            {
                await indicatorGrain.SubmitAsync(indicator.Spec.DefinitionVersion, chunk, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }

        // Assessment history is append-only, so a resumed load must not record a batch twice. Each batch assesses its
        // own gateway's benchmarks and commits atomically: it was recorded exactly when one of them has an assessment.
        var assessed = new HashSet<string>(StringComparer.Ordinal);
        if (resumed)
        {
            var progress = await grain.GetProgressAsync(cancellationToken).ConfigureAwait(false);
            assessed.UnionWith(progress.Gateways.SelectMany(g => g.Pillars).SelectMany(p => p.Benchmarks)
                .Where(b => b.LatestAssessment is not null).Select(b => b.BenchmarkId));
        }

        foreach (var batch in partnership.Assessments.Where(b => !b.Assessments.Any(e => assessed.Contains(e.BenchmarkId))))
        {
            await grain.RecordAssessmentAsync(batch, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Builds the designation ledger the way national staff would: one recorded re-evaluation as of every year end
    /// from the first year of data, in order, then today. Designations are therefore earned in sequence over the
    /// years (Proof Point first, Ongoing Proof Point and Systems Transformation at later year ends). Year ends already
    /// recorded by an interrupted load are skipped.
    /// </summary>
    internal static async Task ReevaluateAsync(IGrainFactory grains, DemoPartnership partnership, DemoOptions options, DateOnly today, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<IPartnershipGrain>(partnership.PartnershipId);

        // The partnership learns its indicators' summaries through their outboxes; hand it the latest ones directly
        // (idempotent by sequence) so the re-evaluations below see all the data.
        foreach (var indicator in partnership.Indicators)
        {
            var summary = await grains.GetGrain<IIndicatorGrain>(GrainKeys.IndicatorKey(partnership.PartnershipId, indicator.IndicatorId))
                .GetSummaryAsync(cancellationToken).ConfigureAwait(false);
            await grain.ApplyIndicatorSummaryAsync(summary, cancellationToken).ConfigureAwait(false);
        }

        var last = (await grain.GetProgressAsync(cancellationToken).ConfigureAwait(false)).LastReevaluation?.Date;
        var dates = Enumerable.Range(options.FirstYear, options.LastYear - options.FirstYear + 1)
            .Select(y => new DateOnly(y, 12, 31))
            .Append(today)
            .Where(d => d <= today && (last is null || d > last))
            .Distinct();
        foreach (var date in dates)
        {
            await grain.ReevaluateDesignationsAsync(date, "demo", cancellationToken: cancellationToken).ConfigureAwait(false);
        }
    }

    private static async Task WriteCohortAsync(IGrainFactory grains, DemoCohort cohort, CancellationToken cancellationToken)
    {
        var grain = grains.GetGrain<ICohortGrain>(cohort.CohortId);
        try
        {
            await grain.CreateAsync(cohort.DisplayName, cohort.Description, cohort.MemberIds, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (AlreadyExistsException)
        {
            foreach (var member in cohort.MemberIds)
            {
                await grain.AddMemberAsync(member, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
        }
    }
}
