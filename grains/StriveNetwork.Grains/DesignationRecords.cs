using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains;

/// <summary>Maps the domain's designation ledger to the grain's stored records and back (mapping only, no rules).</summary>
internal static class DesignationRecords
{
    /// <summary>Full evaluations are kept for this many latest re-evaluations; older ones that changed nothing keep only their date and events.</summary>
    public const int KeptFullEvaluations = 20;

    public static CriterionView ToView(CriterionResult c) =>
        new(c.Kind, c.Name, c.Required, c.Actual, c.Met, c.CountedItems, c.Explanation, c.Unit);

    public static CriterionResult ToDomain(CriterionView c) =>
        new(c.Name, c.Kind, c.Unit, (int)c.Required, (int)c.Actual, c.Met, c.CountedIds, c.Explanation);

    public static DesignationEvaluationRecord ToRecord(DesignationResult r) =>
        new(r.DesignationId, r.Name, r.GrantsGatewayId, r.Met, [.. r.Criteria.Select(ToView)], r.Explanation);

    public static DesignationResult ToDomain(DesignationEvaluationRecord r) =>
        new(r.DesignationId, r.Name, r.GrantsGatewayId, r.Met, [.. r.Criteria.Select(ToDomain)], r.Explanation);

    public static DesignationRecord ToRecord(DesignationEvent e) =>
        new(e.DesignationId, e.DesignationName, e.GrantsGatewayId, e.Kind, e.Date, e.FrameworkId, e.FrameworkVersion,
            e.RulesRevision, ToRecord(e.Evaluation), e.ReevaluationDue, e.Reason);

    public static DesignationEvent ToDomain(DesignationRecord r) =>
        new(r.DesignationId, r.DesignationName, r.GrantsGatewayId, r.Kind, r.Date, r.FrameworkId, r.FrameworkVersion,
            r.RulesRevision, ToDomain(r.Evaluation), r.ReevaluationDue, r.Reason);

    /// <summary>Rebuilds the domain ledger from the stored re-evaluations (checked by the domain).</summary>
    public static DesignationHistory Ledger(IReadOnlyList<ReevaluationRecord>? records) =>
        records is null || records.Count == 0
            ? DesignationHistory.Empty
            : DesignationHistory.FromRecords(records.Select(r => r.Date), records.SelectMany(r => r.Events).Select(ToDomain));

    /// <summary>Appends a record and applies the bound: old re-evaluations without events keep no full evaluations.</summary>
    public static IReadOnlyList<ReevaluationRecord> Append(IReadOnlyList<ReevaluationRecord> records, ReevaluationRecord next)
    {
        var all = records.Append(next).ToList();
        var cutoff = all.Count - KeptFullEvaluations;
        return [.. all.Select((r, i) => i < cutoff && r.Events.Count == 0 && r.Trigger != ReevaluationTrigger.Migration && r.Evaluations.Count > 0
            ? r with { Evaluations = [] }
            : r)];
    }

    /// <summary>The standing designations with their award dates.</summary>
    public static IReadOnlyList<StandingDesignationView> Standing(DesignationHistory ledger, ShownGateway shown, TheoryOfActionFramework framework)
    {
        return [.. ledger.Standing().Select(id =>
        {
            var current = ledger.CurrentAward(id)!;
            var award = ledger.Events.Last(e => e.DesignationId == id && e.Kind == DesignationEventKind.Awarded);
            var grants = framework.FindGateway(current.GrantsGatewayId);
            var isShown = grants is not null && grants.Order <= shown.Gateway.Order;
            return new StandingDesignationView(Designations.FromId(id) ?? Designation.ProofPoint, current.DesignationName, award.Date,
                current.Date, current.ReevaluationDue, current.FrameworkId, current.FrameworkVersion, current.RulesRevision, isShown);
        }).OrderBy(v => v.Designation)];
    }
}
