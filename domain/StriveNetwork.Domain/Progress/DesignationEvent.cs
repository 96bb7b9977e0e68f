namespace StriveNetwork.Domain.Progress;

/// <summary>What a recorded re-evaluation did to one designation.</summary>
public enum DesignationEventKind
{
    /// <summary>Met while not standing: the designation is awarded.</summary>
    Awarded = 1,

    /// <summary>Met while standing: the award is renewed until the next re-evaluation is due.</summary>
    Renewed = 2,

    /// <summary>Not met (or a prerequisite lapsed) while standing: the designation lapses.</summary>
    Lapsed = 3,
}

/// <summary>
/// One stored designation record: an award, a renewal or a lapse, with the framework version and rules revision
/// that applied and the evaluation behind it (every criterion with its required and actual values).
/// </summary>
/// <param name="Evaluation">The designation's evaluation in the re-evaluation that produced this record.</param>
/// <param name="ReevaluationDue">For awards and renewals: when the next re-evaluation is due. Reaching it changes
/// nothing by itself; only a recorded re-evaluation renews or lapses the designation.</param>
/// <param name="Reason">Why, in words (e.g. which criterion failed, which prerequisite lapsed).</param>
public sealed record DesignationEvent(
    string DesignationId,
    string DesignationName,
    string GrantsGatewayId,
    DesignationEventKind Kind,
    DateOnly Date,
    string FrameworkId,
    string FrameworkVersion,
    int RulesRevision,
    DesignationResult Evaluation,
    DateOnly? ReevaluationDue,
    string Reason)
{
    /// <summary>True for awards and renewals.</summary>
    public bool Grants => Kind is DesignationEventKind.Awarded or DesignationEventKind.Renewed;
}
