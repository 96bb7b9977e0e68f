using StriveNetwork.Domain.Identifiers;
using StriveNetwork.Grains.Abstractions;
using static StriveNetwork.Gateway.Mapping.EnumMap;

namespace StriveNetwork.Gateway.Mapping;

/// <summary>Converts strive.v1 requests to grain records, rejecting proto-level shape errors by field name.</summary>
public static class RequestMap
{
    /// <summary>Throws INVALID_ARGUMENT unless the id matches the strive.v1 identifier format.</summary>
    public static string Id(string? value, string field)
    {
        if (string.IsNullOrEmpty(value))
        {
            throw Invalid(field, "is required");
        }

        // Never quote the value: it has not passed the rule, and status messages must stay short and safe.
        return StriveId.IsValid(value)
            ? value
            : throw Invalid(field, $"is not a valid id ({StriveId.Rule})");
    }

    public static DateOnly Date(V1.Date? date, string field)
    {
        if (date is null)
        {
            throw Invalid(field, "is required");
        }

        return date.Year is >= 1 and <= 9999 && date.Month is >= 1 and <= 12 && date.Day >= 1 && date.Day <= DateTime.DaysInMonth(date.Year, date.Month)
            ? new DateOnly(date.Year, date.Month, date.Day)
            : throw Invalid(field, $"{date.Year:D4}-{date.Month:D2}-{date.Day:D2} is not a valid date");
    }

    public static PartnershipProfile Profile(V1.PartnershipProfile? profile, string field, bool requireAll)
    {
        if (profile is null)
        {
            throw Invalid(field, "is required");
        }

        var sectors = new List<Sector>();
        for (var i = 0; i < profile.LeadershipTableSectors.Count; i++)
        {
            var sector = ToDomain(profile.LeadershipTableSectors[i], $"{field}.leadership_table_sectors[{i}]");
            if (sectors.Contains(sector))
            {
                throw Invalid($"{field}.leadership_table_sectors[{i}]", $"duplicate sector {profile.LeadershipTableSectors[i]}");
            }

            sectors.Add(sector);
        }

        var roles = new List<StaffRole>();
        for (var i = 0; i < profile.KeyStaffRolesFilled.Count; i++)
        {
            var role = ToDomain(profile.KeyStaffRolesFilled[i], $"{field}.key_staff_roles_filled[{i}]");
            if (roles.Contains(role))
            {
                throw Invalid($"{field}.key_staff_roles_filled[{i}]", $"duplicate staff role {profile.KeyStaffRolesFilled[i]}");
            }

            roles.Add(role);
        }

        // For partial updates the grain reads only the masked fields, so unset parts may stay at a placeholder.
        var level = profile.GeographicScope is { Level: not V1.GeographicScopeLevel.Unspecified } scope
            ? ToDomain(scope.Level, $"{field}.geographic_scope.level")
            : requireAll ? throw Invalid($"{field}.geographic_scope.level", "is required") : GeographicScopeLevel.City;
        return new PartnershipProfile(
            profile.DisplayName,
            profile.UsState,
            level,
            profile.GeographicScope?.Description ?? string.Empty,
            profile.AnchorEntity is { } anchor ? new AnchorEntity(anchor.Name, anchor.FiscalAgent) : null,
            sectors,
            roles,
            profile.FrameworkId);
    }

    public static AssessmentBatch Assessment(V1.RecordAssessmentRequest request)
    {
        var entries = new List<AssessmentEntry>(request.Assessments.Count);
        for (var i = 0; i < request.Assessments.Count; i++)
        {
            var a = request.Assessments[i];
            entries.Add(new AssessmentEntry(
                a.BenchmarkId,
                ToDomain(a.Status, $"assessments[{i}].status"),
                a.EvidenceNote,
                Date(a.AssessmentDate, $"assessments[{i}].assessment_date"),
                a.Assessor));
        }

        var examples = new List<SystemsChangeEntry>(request.SystemsChangeExamples.Count);
        for (var i = 0; i < request.SystemsChangeExamples.Count; i++)
        {
            var e = request.SystemsChangeExamples[i];
            examples.Add(new SystemsChangeEntry(
                Id(e.ExampleId, $"systems_change_examples[{i}].example_id"),
                e.Description,
                Date(e.OccurrenceDate, $"systems_change_examples[{i}].occurrence_date")));
        }

        return new AssessmentBatch(entries, examples, string.IsNullOrEmpty(request.Etag) ? null : request.Etag);
    }

    public static IndicatorSpec Indicator(V1.IndicatorDefinition? definition)
    {
        const string field = "definition";
        if (definition is null)
        {
            throw Invalid(field, "is required");
        }

        if (definition.Unit != V1.Unit.Percent)
        {
            throw Invalid($"{field}.unit", "must be UNIT_PERCENT");
        }

        var gaps = new List<GapSpec>(definition.Gaps.Count);
        for (var i = 0; i < definition.Gaps.Count; i++)
        {
            var g = definition.Gaps[i];
            var path = $"{field}.gaps[{i}]";
            var rule = ToDomain(g.ReferenceRule, $"{path}.reference_rule");
            gaps.Add(new GapSpec(
                Id(g.GapId, $"{path}.gap_id"),
                GenderCode(g.Focal?.Gender ?? V1.Gender.Unspecified),
                PopulationCode(g.Focal?.Population ?? V1.Population.Unspecified),
                rule,
                g.ReferencePopulation == V1.Population.Unspecified ? null : PopulationCode(g.ReferencePopulation)));
        }

        return new IndicatorSpec(
            definition.DisplayName,
            definition.Description,
            ToDomain(definition.Outcome, $"{field}.outcome"),
            definition.AdjacentSectorDescription,
            ToDomain(definition.Kind, $"{field}.kind"),
            ToDomain(definition.Polarity, $"{field}.polarity"),
            "percent",
            definition.BaselineYear,
            [.. definition.Targets.Select(t => new TargetSpec(t.Year, t.Value))],
            definition.DefinitionVersion,
            definition.TaxonomyVersion,
            definition.Source,
            gaps);
    }

    /// <summary>An observation row; shape problems (unset groups, missing value) are left for the grain to report per row.</summary>
    public static ObservationRow Observation(V1.Observation observation) => new(
        observation.Year,
        GenderCode(observation.Gender),
        PopulationCode(observation.Population),
        observation.ValueCase == V1.Observation.ValueOneofCase.Counts ? observation.Counts.Numerator : null,
        observation.ValueCase == V1.Observation.ValueOneofCase.Counts ? observation.Counts.Denominator : null,
        observation.ValueCase == V1.Observation.ValueOneofCase.SuppressedAtSource,
        observation.SuppressedAtSource?.Marker ?? string.Empty);
}
