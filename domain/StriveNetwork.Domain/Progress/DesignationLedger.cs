using System.Collections.Immutable;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Settings;

namespace StriveNetwork.Domain.Progress;

/// <summary>What one recorded re-evaluation produced: the next ledger, every evaluation, and the records added.</summary>
public sealed record DesignationReevaluation(
    DesignationHistory History,
    ImmutableArray<DesignationResult> Results,
    ImmutableArray<DesignationEvent> Events);

/// <summary>
/// Designations that last: the pure rules "evaluate → award / renew / lapse". A re-evaluation evaluates every
/// designation against the ledger as it stood before (so an award made in this re-evaluation is never the
/// prerequisite of another award in the same one), then records:
/// <list type="bullet">
/// <item>met and not standing → Awarded; met and standing → Renewed; not met and standing → Lapsed;</item>
/// <item>a standing designation whose standing prerequisite (a <c>DesignationHeld</c> criterion with
/// <c>standing</c>) no longer stands after this re-evaluation → Lapsed as well, so a designation is never held
/// without its prerequisite.</item>
/// </list>
/// Nothing else changes a designation: reading the ledger never lapses or renews one, however overdue.
/// </summary>
public static class DesignationLedger
{
    /// <summary>Records one re-evaluation on <paramref name="date"/>.</summary>
    /// <param name="history">The ledger so far.</param>
    /// <param name="evidence">The partnership's evidence as of <paramref name="date"/>; its own
    /// <see cref="DesignationEvidence.Awards"/> and <see cref="DesignationEvidence.EvaluatedOn"/> are replaced by
    /// <paramref name="history"/> and <paramref name="date"/>.</param>
    /// <param name="date">The re-evaluation date; not before the last recorded one.</param>
    /// <param name="settings">Rule settings (the re-evaluation period); defaults when null.</param>
    /// <exception cref="ArgumentException">The date is before the last re-evaluation, or on the same day.</exception>
    public static DesignationReevaluation Reevaluate(
        DesignationHistory history, DesignationEvidence evidence, DateOnly date, PartnershipRuleSettings? settings = null)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(evidence);
        settings = (settings ?? PartnershipRuleSettings.Default).EnsureValid();
        if (history.LastReevaluation is { } last && date <= last)
        {
            throw new ArgumentException(
                $"A re-evaluation on {date:yyyy-MM-dd} cannot follow the one recorded on {last:yyyy-MM-dd}; dates must ascend.", nameof(date));
        }

        var framework = evidence.Assessments.Framework;
        var results = DesignationEvaluator.EvaluateAll(evidence with { Awards = history, EvaluatedOn = date });
        var due = date.AddMonths(settings.ReevaluationPeriodMonths);
        var events = new List<DesignationEvent>();
        var standing = history.Standing().ToHashSet(StringComparer.Ordinal);
        DesignationEvent Record(DesignationResult r, DesignationEventKind kind, string reason) => new(
            r.DesignationId, r.Name, r.GrantsGatewayId, kind, date, framework.Id, framework.Version,
            framework.RulesRevision, r, kind == DesignationEventKind.Lapsed ? null : due, reason);

        foreach (var result in results)
        {
            var held = standing.Contains(result.DesignationId);
            if (result.Met)
            {
                events.Add(Record(result, held ? DesignationEventKind.Renewed : DesignationEventKind.Awarded, result.Explanation));
                standing.Add(result.DesignationId);
            }
            else if (held)
            {
                events.Add(Record(result, DesignationEventKind.Lapsed, result.Explanation));
                standing.Remove(result.DesignationId);
            }
        }

        // Standing designations of another framework version (the partnership changed framework) have no rule to
        // renew them here; they lapse rather than stand unexamined.
        foreach (var id in standing.Where(id => results.All(r => r.DesignationId != id)).ToList())
        {
            var award = history.CurrentAward(id)!;
            events.Add(award with
            {
                Kind = DesignationEventKind.Lapsed,
                Date = date,
                ReevaluationDue = null,
                Reason = $"{award.DesignationName} lapsed: framework '{framework.Id}' has no such designation to re-evaluate it.",
            });
            standing.Remove(id);
        }

        // Cascade: a designation whose standing prerequisite lapsed in this re-evaluation lapses with it.
        bool changed;
        do
        {
            changed = false;
            foreach (var definition in framework.Designations.Definitions.Where(d => standing.Contains(d.Id)))
            {
                var missing = definition.Criteria.OfType<DesignationHeldCriterion>()
                    .FirstOrDefault(c => c.Standing && !c.DesignationIds.Any(standing.Contains));
                if (missing is null)
                {
                    continue;
                }

                var result = results.First(r => r.DesignationId == definition.Id);
                events.RemoveAll(e => e.DesignationId == definition.Id);
                var names = string.Join(" or ", missing.DesignationIds.Select(id => framework.Designations.Find(id)?.Name ?? id));
                var reason = $"{definition.Name} lapsed: its prerequisite {names} no longer stands.";
                if (history.IsStanding(definition.Id))
                {
                    events.Add(Record(result, DesignationEventKind.Lapsed, reason));
                }

                standing.Remove(definition.Id);
                changed = true;
            }
        }
        while (changed);

        return new DesignationReevaluation(history.Append(date, events), results, [.. events]);
    }
}
