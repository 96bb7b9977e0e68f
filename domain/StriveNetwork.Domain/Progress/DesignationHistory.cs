using System.Collections.Immutable;

namespace StriveNetwork.Domain.Progress;

/// <summary>
/// The designation ledger of one partnership: every recorded re-evaluation date and every award, renewal and lapse,
/// oldest first. Immutable; <see cref="DesignationLedger.Reevaluate"/> returns the next one. Reading it never
/// changes a designation: a standing designation whose re-evaluation is overdue still stands until a recorded
/// re-evaluation renews or lapses it (<see cref="Overdue"/> lists them).
/// </summary>
public sealed class DesignationHistory
{
    private DesignationHistory(ImmutableList<DateOnly> reevaluations, ImmutableList<DesignationEvent> events)
    {
        Reevaluations = reevaluations;
        Events = events;
    }

    /// <summary>No re-evaluation yet.</summary>
    public static DesignationHistory Empty { get; } = new([], []);

    /// <summary>Dates of every recorded re-evaluation, ascending.</summary>
    public ImmutableList<DateOnly> Reevaluations { get; }

    /// <summary>Every award, renewal and lapse, in the order recorded.</summary>
    public ImmutableList<DesignationEvent> Events { get; }

    /// <summary>The date of the last recorded re-evaluation, or null.</summary>
    public DateOnly? LastReevaluation => Reevaluations.IsEmpty ? null : Reevaluations[^1];

    /// <summary>
    /// Rebuilds a stored ledger, checking it is one <see cref="DesignationLedger"/> could have written: dates
    /// ascending, every event on a recorded re-evaluation date, renewals and lapses only of standing designations,
    /// awards only of designations not standing.
    /// </summary>
    /// <exception cref="ArgumentException">The records are not a valid ledger.</exception>
    public static DesignationHistory FromRecords(IEnumerable<DateOnly> reevaluations, IEnumerable<DesignationEvent> events)
    {
        ArgumentNullException.ThrowIfNull(reevaluations);
        ArgumentNullException.ThrowIfNull(events);
        var dates = reevaluations.ToImmutableList();
        var list = events.ToImmutableList();
        for (var i = 1; i < dates.Count; i++)
        {
            if (dates[i] <= dates[i - 1])
            {
                throw new ArgumentException($"Re-evaluation dates must ascend: {dates[i]:yyyy-MM-dd} follows {dates[i - 1]:yyyy-MM-dd}.", nameof(reevaluations));
            }
        }

        var standing = new HashSet<string>(StringComparer.Ordinal);
        DateOnly? last = null;
        foreach (var e in list)
        {
            ArgumentNullException.ThrowIfNull(e, nameof(events));
            if (!dates.Contains(e.Date) || (last is { } l && e.Date < l))
            {
                throw new ArgumentException($"Event {e.Kind} of '{e.DesignationId}' on {e.Date:yyyy-MM-dd} is not on a recorded re-evaluation date in order.", nameof(events));
            }

            var ok = e.Kind == DesignationEventKind.Awarded ? standing.Add(e.DesignationId) : standing.Contains(e.DesignationId);
            if (!ok)
            {
                throw new ArgumentException($"Event {e.Kind} of '{e.DesignationId}' on {e.Date:yyyy-MM-dd} does not follow from the events before it.", nameof(events));
            }

            if (e.Kind == DesignationEventKind.Lapsed)
            {
                standing.Remove(e.DesignationId);
            }

            last = e.Date;
        }

        return new DesignationHistory(dates, list);
    }

    /// <summary>True when the designation was awarded and has not lapsed since.</summary>
    public bool IsStanding(string designationId) => CurrentAward(designationId) is not null;

    /// <summary>The latest award or renewal of a standing designation, or null when it does not stand.</summary>
    public DesignationEvent? CurrentAward(string designationId)
    {
        var last = Events.LastOrDefault(e => string.Equals(e.DesignationId, designationId, StringComparison.Ordinal));
        return last is { Grants: true } ? last : null;
    }

    /// <summary>Ids of the standing designations, in the order they were first awarded.</summary>
    public IReadOnlyList<string> Standing() =>
        [.. Events.Select(e => e.DesignationId).Distinct(StringComparer.Ordinal).Where(IsStanding)];

    /// <summary>True when the designation was ever awarded (it may have lapsed since).</summary>
    public bool WasAwarded(string designationId) =>
        Events.Any(e => e.Kind == DesignationEventKind.Awarded && string.Equals(e.DesignationId, designationId, StringComparison.Ordinal));

    /// <summary>The date of the latest award or renewal of any of the designations, or null.</summary>
    public DateOnly? LatestGrant(IEnumerable<string> designationIds)
    {
        ArgumentNullException.ThrowIfNull(designationIds);
        var ids = designationIds.ToHashSet(StringComparer.Ordinal);
        return Events.Where(e => e.Grants && ids.Contains(e.DesignationId)).Select(e => (DateOnly?)e.Date).Max();
    }

    /// <summary>The ledger as it stood at the end of a date (later re-evaluations left out).</summary>
    public DesignationHistory AsOf(DateOnly date) =>
        LastReevaluation is { } last && last <= date
            ? this
            : new DesignationHistory([.. Reevaluations.Where(d => d <= date)], [.. Events.Where(e => e.Date <= date)]);

    /// <summary>Standing designations whose re-evaluation was due before <paramref name="today"/>.</summary>
    public IReadOnlyList<DesignationEvent> Overdue(DateOnly today) =>
        [.. Standing().Select(id => CurrentAward(id)!).Where(a => a.ReevaluationDue is { } due && due < today)];

    internal DesignationHistory Append(DateOnly date, IEnumerable<DesignationEvent> events) =>
        new(Reevaluations.Add(date), Events.AddRange(events));
}
