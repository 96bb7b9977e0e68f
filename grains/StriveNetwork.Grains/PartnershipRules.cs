using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Domain.Identifiers;
using DomainAssessment = StriveNetwork.Domain.Assessments.BenchmarkAssessment;
using DomainDesignationResult = StriveNetwork.Domain.Progress.DesignationResult;
using GapCounts = StriveNetwork.Domain.Progress.GapCounts;

namespace StriveNetwork.Grains;

/// <summary>Pure computations of the partnership grain: validation, placement, designations, snapshots.</summary>
internal static class PartnershipRules
{
    public const int MaxAssessments = 500;
    public const int MaxExamples = 100;

    private static readonly string[] ProfileFields =
        ["display_name", "us_state", "geographic_scope", "anchor_entity", "leadership_table_sectors", "key_staff_roles_filled", "framework_id"];

    public static TheoryOfActionFramework Framework(string frameworkId) =>
        FrameworkCatalog.Embedded.Find(frameworkId)
        ?? throw new NotFoundException($"profile.framework_id: no such framework (known: {string.Join(", ", FrameworkCatalog.Embedded.Frameworks.Select(f => f.Id))}).");

    public static void ValidateProfile(PartnershipProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        Require(!string.IsNullOrWhiteSpace(p.DisplayName) && p.DisplayName.Length <= 200, "profile.display_name", "must be 1..200 characters.");
        Require(UsStateCode.IsValid(p.UsState), "profile.us_state", $"must be {UsStateCode.Rule}.");
        Require(Enum.IsDefined(p.ScopeLevel), "profile.geographic_scope.level", "is required.");
        Require(!string.IsNullOrWhiteSpace(p.ScopeDescription) && p.ScopeDescription.Length <= 500, "profile.geographic_scope.description", "must be 1..500 characters.");
        if (p.AnchorEntity is { } anchor)
        {
            Require(!string.IsNullOrWhiteSpace(anchor.Name) && anchor.Name.Length <= 200, "profile.anchor_entity.name", "must be 1..200 characters.");
        }

        var sectors = p.LeadershipTableSectors ?? [];
        for (var i = 0; i < sectors.Count; i++)
        {
            Require(Enum.IsDefined(sectors[i]), $"profile.leadership_table_sectors[{i}]", "is unspecified or unknown.");
            Require(sectors.Take(i).All(s => s != sectors[i]), $"profile.leadership_table_sectors[{i}]", $"{sectors[i]} appears twice.");
        }

        var roles = p.KeyStaffRolesFilled ?? [];
        for (var i = 0; i < roles.Count; i++)
        {
            Require(Enum.IsDefined(roles[i]), $"profile.key_staff_roles_filled[{i}]", "is unspecified or unknown.");
            Require(roles.Take(i).All(s => s != roles[i]), $"profile.key_staff_roles_filled[{i}]", $"{roles[i]} appears twice.");
        }

        Require(!string.IsNullOrWhiteSpace(p.FrameworkId), "profile.framework_id", "is required.");
        _ = Framework(p.FrameworkId);
    }

    public static PartnershipProfile Merge(PartnershipProfile current, PartnershipProfile update, IReadOnlyList<string> fields)
    {
        Require(fields.Count > 0, "update_mask", "must name at least one field.");
        var result = current;
        foreach (var field in fields)
        {
            Require(ProfileFields.Contains(field, StringComparer.Ordinal), "update_mask", $"an unknown path (known: {string.Join(", ", ProfileFields)}).");
            result = field switch
            {
                "display_name" => result with { DisplayName = update.DisplayName },
                "us_state" => result with { UsState = update.UsState },
                "geographic_scope" => result with { ScopeLevel = update.ScopeLevel, ScopeDescription = update.ScopeDescription },
                "anchor_entity" => result with { AnchorEntity = update.AnchorEntity },
                "leadership_table_sectors" => result with { LeadershipTableSectors = update.LeadershipTableSectors },
                "key_staff_roles_filled" => result with { KeyStaffRolesFilled = update.KeyStaffRolesFilled },
                _ => result with { FrameworkId = update.FrameworkId },
            };
        }

        return result;
    }

    public static void ValidateBatch(AssessmentBatch batch, TheoryOfActionFramework framework, DateOnly today)
    {
        var assessments = batch.Assessments ?? [];
        var examples = batch.Examples ?? [];
        Require(assessments.Count + examples.Count > 0, "assessments", "a request needs at least one assessment or one systems-change example.");
        Require(assessments.Count <= MaxAssessments, "assessments", $"{assessments.Count} entries is more than {MaxAssessments}.");
        Require(examples.Count <= MaxExamples, "systems_change_examples", $"{examples.Count} examples is more than {MaxExamples}.");
        var seen = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < assessments.Count; i++)
        {
            var a = assessments[i];
            var at = $"assessments[{i}]";
            Require(framework.FindBenchmark(a.BenchmarkId ?? string.Empty) is not null, $"{at}.benchmark_id",
                $"is not a benchmark of framework '{framework.Id}'.");
            Require(seen.Add(a.BenchmarkId!), $"{at}.benchmark_id", "appears twice in one request.");
            Require(Enum.IsDefined(a.Status), $"{at}.status", "is required.");
            Require(a.AssessmentDate <= today, $"{at}.assessment_date", $"{a.AssessmentDate:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}, UTC).");
            Require(a.AssessmentDate.Year >= 1990, $"{at}.assessment_date", "year must be 1990 or later.");
            Require(!string.IsNullOrWhiteSpace(a.Assessor) && a.Assessor.Length <= 200, $"{at}.assessor", "must be 1..200 characters.");
            Require((a.EvidenceNote ?? string.Empty).Length <= 4000, $"{at}.evidence_note", "must be at most 4,000 characters.");
        }

        var exampleIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < examples.Count; i++)
        {
            var e = examples[i];
            var at = $"systems_change_examples[{i}]";
            Require(!string.IsNullOrWhiteSpace(e.ExampleId) && e.ExampleId.Length <= 100, $"{at}.example_id", "must be 1..100 characters.");
            Require(exampleIds.Add(e.ExampleId), $"{at}.example_id", "appears twice in one request.");
            Require(!string.IsNullOrWhiteSpace(e.Description) && e.Description.Length <= 4000, $"{at}.description", "must be 1..4,000 characters.");
            Require(e.OccurrenceDate <= today, $"{at}.occurrence_date", $"{e.OccurrenceDate:yyyy-MM-dd} is after today ({today:yyyy-MM-dd}, UTC).");
        }
    }

    public static AssessmentHistory History(TheoryOfActionFramework framework, IEnumerable<AssessmentEntry> entries, DateOnly? asOf = null) =>
        AssessmentHistory.Create(
            framework,
            entries.Where(e => framework.FindBenchmark(e.BenchmarkId) is not null && (asOf is null || e.AssessmentDate <= asOf))
                .Select(e => new DomainAssessment(e.BenchmarkId, e.Status, e.AssessmentDate, e.Assessor, e.EvidenceNote)),
            DateOnly.MaxValue);

    /// <summary>The domain status of a stored indicator summary (mapping only; the rules are the domain's).</summary>
    public static IndicatorStatus ToStatus(IndicatorSummary s)
    {
        ArgumentNullException.ThrowIfNull(s);
        string Focal(int i) => s.FocalGroups is { } f && i < f.Count ? f[i] : s.GapIds[i];
        IReadOnlyList<GapStatus> Gaps(IReadOnlyList<GapChange> changes) =>
            [.. s.GapIds.Select((id, i) => new GapStatus(id, Focal(i), i < changes.Count ? changes[i] : GapChange.InsufficientData))];
        return new IndicatorStatus(s.IndicatorId, s.Outcome, s.Kind, s.Trend, Gaps(s.GapChanges),
            [.. s.ByYear.Select(y => new IndicatorYearStatus(y.Year, y.Trend, Gaps(y.GapChanges)))]);
    }

    /// <summary>The summaries in the order their statuses are listed (by indicator id, ordinal).</summary>
    public static IEnumerable<IndicatorSummary> InStatusOrder(IEnumerable<IndicatorSummary> summaries) =>
        summaries.OrderBy(i => i.IndicatorId, StringComparer.Ordinal);

    public static IEnumerable<SystemsChangeExample> Examples(IEnumerable<SystemsChangeEntry> entries) =>
        entries.Select(e => new SystemsChangeExample(e.ExampleId, e.Description, e.OccurrenceDate));

    public static IReadOnlyList<Designation> ToDesignations(IEnumerable<string> designationIds) =>
        [.. designationIds.Select(Designations.FromId).OfType<Designation>().Order()];

    public static IReadOnlyList<OutcomeTrend> OutcomeTrends(IEnumerable<IndicatorStatus> indicators, int? year) =>
        [.. PartnershipStatusRules.OutcomeTrends(indicators, year).Select(o => new OutcomeTrend(o.Outcome, o.Direction))];

    public static IReadOnlyList<OutcomeGapCounts> GapCounts(IEnumerable<IndicatorStatus> indicators, int? year) =>
        [.. PartnershipStatusRules.GapCountsByOutcome(indicators, year).Select(o => new OutcomeGapCounts(o.Outcome, ToCounts(o.Counts)))];

    public static GapChangeCounts ToCounts(GapCounts c) => new(c.Reduced, c.Eliminated, c.Unchanged, c.Widened, c.InsufficientData);

    public static DesignationView View(DomainDesignationResult d) => new(
        Designations.FromId(d.DesignationId) ?? Designation.ProofPoint,
        d.Met,
        [.. d.Criteria.Select(DesignationRecords.ToView)],
        d.Explanation);

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new GrainValidationException(field, message);
        }
    }
}
