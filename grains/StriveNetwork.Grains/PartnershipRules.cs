using System.Text.RegularExpressions;
using StriveNetwork.Domain.Assessments;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;
using DomainAssessment = StriveNetwork.Domain.Assessments.BenchmarkAssessment;
using DomainDesignationResult = StriveNetwork.Domain.Progress.DesignationResult;

namespace StriveNetwork.Grains;

/// <summary>Pure computations of the partnership grain: validation, placement, designations, snapshots.</summary>
internal static partial class PartnershipRules
{
    public const int MaxAssessments = 500;
    public const int MaxExamples = 100;

    private static readonly string[] ProfileFields =
        ["display_name", "us_state", "geographic_scope", "anchor_entity", "leadership_table_sectors", "key_staff_roles_filled", "framework_id"];

    public static TheoryOfActionFramework Framework(string frameworkId) =>
        FrameworkCatalog.Embedded.Find(frameworkId)
        ?? throw new NotFoundException($"profile.framework_id: framework '{frameworkId}' does not exist (known: {string.Join(", ", FrameworkCatalog.Embedded.Frameworks.Select(f => f.Id))}).");

    public static void ValidateProfile(PartnershipProfile p)
    {
        ArgumentNullException.ThrowIfNull(p);
        Require(!string.IsNullOrWhiteSpace(p.DisplayName) && p.DisplayName.Length <= 200, "profile.display_name", "must be 1..200 characters.");
        Require(p.UsState is not null && UsState().IsMatch(p.UsState), "profile.us_state", $"'{p.UsState}' must be a two-letter upper-case USPS code.");
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
            Require(ProfileFields.Contains(field, StringComparer.Ordinal), "update_mask", $"unknown path '{field}' (known: {string.Join(", ", ProfileFields)}).");
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
                $"unknown benchmark id '{a.BenchmarkId}' for framework '{framework.Id}'.");
            Require(seen.Add(a.BenchmarkId!), $"{at}.benchmark_id", $"benchmark '{a.BenchmarkId}' appears twice in one request.");
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
            Require(exampleIds.Add(e.ExampleId), $"{at}.example_id", $"'{e.ExampleId}' appears twice in one request.");
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

    /// <summary>Evidence as of now (<paramref name="year"/> null) or as of the end of a year.</summary>
    public static DesignationEvidence Evidence(
        AssessmentHistory history, IEnumerable<IndicatorSummary> indicators, IEnumerable<SystemsChangeEntry> examples, int? year)
    {
        var list = indicators.ToList();
        var trends = list.Select(s => new IndicatorEvidence(s.IndicatorId, s.Outcome, s.Kind == IndicatorRole.Core, TrendAsOf(s, year)));
        var gaps = list.SelectMany(s =>
        {
            var changes = GapsAsOf(s, year);
            return s.GapIds.Select((id, i) => new GapEvidence(id, s.IndicatorId, s.Outcome, i < changes.Count ? changes[i] : GapChange.InsufficientData));
        });
        var ex = examples
            .Where(e => year is null || e.OccurrenceDate.Year <= year)
            .Select(e => new SystemsChangeExample(e.ExampleId, e.Description, e.OccurrenceDate));
        return DesignationEvidence.Create(history, trends, gaps, ex);
    }

    public static TrendDirection TrendAsOf(IndicatorSummary s, int? year) =>
        year is null ? s.Trend : s.ByYear.LastOrDefault(y => y.Year <= year)?.Trend ?? TrendDirection.InsufficientData;

    public static IReadOnlyList<GapChange> GapsAsOf(IndicatorSummary s, int? year) =>
        year is null ? s.GapChanges : s.ByYear.LastOrDefault(y => y.Year <= year)?.GapChanges ?? [.. s.GapIds.Select(_ => GapChange.InsufficientData)];

    public static GatewayStage Stage(TheoryOfActionFramework framework, GatewayPlacement placement, IEnumerable<DomainDesignationResult> designations)
    {
        var stage = placement.Current.Stage;
        foreach (var d in designations.Where(d => d.Met))
        {
            var granted = framework.FindGateway(d.GrantsGatewayId);
            if (granted is not null && granted.Stage > stage)
            {
                stage = granted.Stage;
            }
        }

        return stage;
    }

    public static IReadOnlyList<Designation> Held(IEnumerable<DomainDesignationResult> designations) =>
        [.. designations.Where(d => d.Met).Select(d => Designations.FromId(d.DesignationId)).OfType<Designation>().Order()];

    /// <summary>Per-outcome combination of core-indicator trends (strive.v1 OutcomeTrendCounts rule); untracked outcomes are omitted.</summary>
    public static IReadOnlyList<OutcomeTrend> OutcomeTrends(IEnumerable<IndicatorSummary> indicators, int? year) =>
        [.. indicators.Where(s => s.Kind == IndicatorRole.Core)
            .GroupBy(s => s.Outcome)
            .OrderBy(g => g.Key)
            .Select(g => new OutcomeTrend(g.Key, Combine(g.Select(s => TrendAsOf(s, year)).ToList())))];

    public static TrendDirection Combine(IReadOnlyList<TrendDirection> directions)
    {
        var improved = directions.Count(d => d == TrendDirection.Improved);
        var worsened = directions.Count(d => d == TrendDirection.Worsened);
        if (directions.All(d => d == TrendDirection.InsufficientData))
        {
            return TrendDirection.InsufficientData;
        }

        return improved > 0 && worsened == 0 ? TrendDirection.Improved
            : worsened > 0 && improved == 0 ? TrendDirection.Worsened
            : TrendDirection.Maintained;
    }

    public static IReadOnlyList<OutcomeGapCounts> GapCounts(IEnumerable<IndicatorSummary> indicators, int? year) =>
        [.. indicators.Where(s => s.Kind == IndicatorRole.Core)
            .GroupBy(s => s.Outcome)
            .OrderBy(g => g.Key)
            .Select(g => new OutcomeGapCounts(g.Key, g.SelectMany(s => GapsAsOf(s, year)).Aggregate(GapChangeCounts.Zero, (c, change) => c.Add(change))))
            .Where(c => c.Counts != GapChangeCounts.Zero)];

    public static DesignationView View(DomainDesignationResult d) => new(
        Designations.FromId(d.DesignationId) ?? Designation.ProofPoint,
        d.Met,
        [.. d.Criteria.Select(c => new CriterionView(c.Kind, c.Name, c.Required, c.Actual, c.Met, c.CountedItems, c.Explanation))],
        d.Explanation);

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new GrainValidationException(field, message);
        }
    }

    [GeneratedRegex("^[A-Z]{2}$", RegexOptions.CultureInvariant)]
    private static partial Regex UsState();
}
