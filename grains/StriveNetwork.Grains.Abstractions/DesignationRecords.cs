using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Progress;

namespace StriveNetwork.Grains.Abstractions;

/// <summary>What started a recorded re-evaluation of designations.</summary>
[GenerateSerializer, Alias("strive.ReevaluationTrigger")]
public enum ReevaluationTrigger
{
    /// <summary>ReevaluateDesignations, called by national staff (or the demo).</summary>
    Request = 1,

    /// <summary>The partnership's yearly (configurable) schedule: a designation was due.</summary>
    Schedule = 2,

    /// <summary>The one re-evaluation of a partnership stored before designations were kept in a ledger.</summary>
    Migration = 3,
}

/// <summary>One designation's evaluation as stored in the ledger (every criterion with required and actual values).</summary>
[GenerateSerializer, Immutable, Alias("strive.DesignationEvaluationRecord")]
public sealed record DesignationEvaluationRecord(
    string DesignationId,
    string Name,
    string GrantsGatewayId,
    bool Met,
    IReadOnlyList<CriterionView> Criteria,
    string Explanation);

/// <summary>One stored award, renewal or lapse (the grain's copy of the domain's <c>DesignationEvent</c>).</summary>
[GenerateSerializer, Immutable, Alias("strive.DesignationRecord")]
public sealed record DesignationRecord(
    string DesignationId,
    string DesignationName,
    string GrantsGatewayId,
    DesignationEventKind Kind,
    DateOnly Date,
    string FrameworkId,
    string FrameworkVersion,
    int RulesRevision,
    DesignationEvaluationRecord Evaluation,
    DateOnly? ReevaluationDue,
    string Reason);

/// <summary>
/// One recorded re-evaluation: when, who or what triggered it, the framework and rules revision, every designation's
/// evaluation, the awards / renewals / lapses it produced, and what was held before and after.
/// <see cref="Evaluations"/> is emptied for old re-evaluations that changed nothing (the ledger's bound,
/// docs/domain-rules.md); events are always kept.
/// </summary>
[GenerateSerializer, Immutable, Alias("strive.ReevaluationRecord")]
public sealed record ReevaluationRecord(
    DateOnly Date,
    ReevaluationTrigger Trigger,
    string TriggeredBy,
    DateTimeOffset RecordTime,
    string FrameworkId,
    string FrameworkVersion,
    int RulesRevision,
    IReadOnlyList<DesignationRecord> Events,
    IReadOnlyList<DesignationEvaluationRecord> Evaluations,
    IReadOnlyList<Designation> HeldBefore,
    IReadOnlyList<Designation> HeldAfter,
    GatewayStage GatewayBefore,
    GatewayStage GatewayAfter,
    string Note);

/// <summary>A designation that stands: awarded in a recorded re-evaluation and not lapsed since.</summary>
/// <param name="AwardDate">The award that started the current standing run.</param>
/// <param name="LastGranted">The latest award or renewal.</param>
/// <param name="Shown">False when the gateway before it is no longer reached (it stands until the next re-evaluation).</param>
[GenerateSerializer, Immutable, Alias("strive.StandingDesignationView")]
public sealed record StandingDesignationView(
    Designation Designation,
    string Name,
    DateOnly AwardDate,
    DateOnly LastGranted,
    DateOnly? ReevaluationDue,
    string FrameworkId,
    string FrameworkVersion,
    int RulesRevision,
    bool Shown);
