using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Domain.Identifiers;

namespace StriveNetwork.Grains;

/// <summary>Request validation for indicators: the first problem found, naming the field.</summary>
internal static class IndicatorValidation
{
    public static void ValidateDefinition(string indicatorId, IndicatorSpec d)
    {
        if (!StriveId.IsValid(indicatorId))
        {
            throw new GrainValidationException("indicator_id", $"is not a valid id ({StriveId.Rule}).");
        }

        Require(!string.IsNullOrWhiteSpace(d.DisplayName) && d.DisplayName.Length <= 200, "definition.display_name", "must be 1..200 characters.");
        Require((d.Description ?? string.Empty).Length <= 2000, "definition.description", "must be at most 2,000 characters.");
        Require(Enum.IsDefined(d.Outcome), "definition.outcome", "is required.");
        var adjacent = d.AdjacentSectorDescription ?? string.Empty;
        if (d.Outcome == Outcome.AdjacentSector)
        {
            Require(adjacent.Length is > 0 and <= 200, "definition.adjacent_sector_description", "is required (1..200 characters) for an adjacent-sector outcome.");
        }
        else
        {
            Require(adjacent.Length == 0, "definition.adjacent_sector_description", "must be empty unless the outcome is ADJACENT_SECTOR.");
        }

        Require(Enum.IsDefined(d.Kind), "definition.kind", "is required.");
        Require(Enum.IsDefined(d.Polarity), "definition.polarity", "is required.");
        Require(d.BaselineYear is >= IndicatorDefinition.MinimumYear and <= IndicatorDefinition.MaximumYear, "definition.baseline_year", $"{d.BaselineYear} is outside 1990..2100.");
        Require(d.DefinitionVersion >= 1, "definition.definition_version", "must be at least 1.");
        Require(PopulationTaxonomy.Find(IndicatorComputation.Taxonomy(d)) is not null, "definition.taxonomy_version", "is not a known taxonomy (only CIA-2024).");
        Require((d.Source ?? string.Empty).Length <= 500, "definition.source", "must be at most 500 characters.");
        var targets = d.Targets ?? [];
        Require(targets.Count <= 50, "definition.targets", "at most 50 targets.");
        var years = new HashSet<int>();
        for (var i = 0; i < targets.Count; i++)
        {
            var t = targets[i];
            Require(t.Year is >= IndicatorDefinition.MinimumYear and <= IndicatorDefinition.MaximumYear, $"definition.targets[{i}].year", $"{t.Year} is outside 1990..2100.");
            Require(years.Add(t.Year), $"definition.targets[{i}].year", $"{t.Year} appears twice; at most one target per year.");
            Require(double.IsFinite(t.Value) && t.Value is >= 0 and <= 100, $"definition.targets[{i}].value", $"{t.Value} is outside 0..100.");
        }

        var gaps = d.Gaps ?? [];
        Require(gaps.Count <= 50, "definition.gaps", "at most 50 gaps.");
        var taxonomy = PopulationTaxonomy.Find(IndicatorComputation.Taxonomy(d))!;
        var gapIds = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < gaps.Count; i++)
        {
            var g = gaps[i];
            var at = $"definition.gaps[{i}]";
            Require(StriveId.IsValid(g.GapId), $"{at}.gap_id", $"is not a valid id ({StriveId.Rule}).");
            Require(gapIds.Add(g.GapId), $"{at}.gap_id", $"{g.GapId} appears twice.");
            Require(Enum.IsDefined(g.ReferenceRule), $"{at}.reference_rule", "is required.");
            Require(taxonomy.IsKnownGender(g.FocalGender), $"{at}.focal.gender", "is required.");
            Require(taxonomy.IsKnownPopulation(g.FocalPopulation), $"{at}.focal.population", "is required.");
            if (g.ReferenceRule == GapReferenceKind.NamedGroup)
            {
                Require(taxonomy.IsKnownPopulation(g.ReferencePopulation), $"{at}.reference_population", "is required for NAMED_GROUP.");
                Require(!string.Equals(g.ReferencePopulation, g.FocalPopulation, StringComparison.Ordinal), $"{at}.reference_population", "must differ from the focal population.");
            }
            else
            {
                Require(string.IsNullOrEmpty(g.ReferencePopulation), $"{at}.reference_population", "must be unset unless the rule is NAMED_GROUP.");
            }

            var problems = GapRules.Validate(IndicatorComputation.ToDomain(indicatorId, g), taxonomy);
            if (problems.Count > 0)
            {
                throw new GrainValidationException(at, problems[0].Message);
            }
        }

        var domainErrors = IndicatorValidator.Validate(IndicatorComputation.ToDomain(indicatorId, d));
        if (domainErrors.Count > 0)
        {
            throw new GrainValidationException($"definition.{domainErrors[0].Field}", domainErrors[0].Message);
        }
    }

    /// <summary>The problem of one observation row, or null when valid; a valid row's cell is added to <paramref name="seen"/>.</summary>
    public static RowError? ValidateRow(IndicatorSpec current, ObservationRow row, string at, int index, string indicatorId, string clientRef, HashSet<(int, string, string)> seen)
    {
        RowError Error(ObservationErrorCode code, string field, string message) => new(index, indicatorId, clientRef ?? string.Empty, code, $"{at}.{field}", message);
        var taxonomy = PopulationTaxonomy.Find(IndicatorComputation.Taxonomy(current))!;
        if (row.Year is < IndicatorDefinition.MinimumYear or > IndicatorDefinition.MaximumYear)
        {
            return Error(ObservationErrorCode.YearOutOfRange, "year", $"year {row.Year} is outside 1990..2100.");
        }

        if (!taxonomy.IsKnownGender(row.Gender))
        {
            return Error(ObservationErrorCode.UnknownGroup, "gender", string.IsNullOrEmpty(row.Gender)
                ? "gender is unspecified; every observation needs a gender."
                : $"gender '{row.Gender}' is not in taxonomy {taxonomy.Version}.");
        }

        if (!taxonomy.IsKnownPopulation(row.Population))
        {
            return Error(ObservationErrorCode.UnknownGroup, "population", string.IsNullOrEmpty(row.Population)
                ? "population is unspecified; every observation needs a population."
                : $"population '{row.Population}' is not in taxonomy {taxonomy.Version}.");
        }

        if (!row.SuppressedAtSource)
        {
            if (row.Numerator is not { } n || row.Denominator is not { } d)
            {
                return Error(ObservationErrorCode.MissingValue, "counts", "neither counts nor suppressed_at_source is set.");
            }

            if (n < 0)
            {
                return Error(ObservationErrorCode.NegativeCount, "counts.numerator", $"numerator {n} is negative.");
            }

            if (d < 0)
            {
                return Error(ObservationErrorCode.NegativeCount, "counts.denominator", $"denominator {d} is negative.");
            }

            if (d == 0)
            {
                return Error(ObservationErrorCode.ZeroDenominator, "counts.denominator", "denominator is zero; report the cell as suppressed at source or leave it out.");
            }

            if (n > d)
            {
                return Error(ObservationErrorCode.NumeratorAboveDenominator, "counts.numerator", $"numerator {n} is above denominator {d}.");
            }
        }
        else if ((row.SourceMarker ?? string.Empty).Length > 20)
        {
            return Error(ObservationErrorCode.MissingValue, "suppressed_at_source.marker", "the marker is longer than 20 characters.");
        }

        return seen.Add((row.Year, row.Gender, row.Population)) ? null : Duplicate(row, at, index, indicatorId, clientRef);
    }

    /// <summary>The error of a row whose cell an earlier row of the same request or upload took (the earlier row wins).</summary>
    public static RowError Duplicate(ObservationRow row, string at, int index, string indicatorId, string clientRef) =>
        new(index, indicatorId, clientRef ?? string.Empty, ObservationErrorCode.DuplicateCell, $"{at}.year",
            $"cell {row.Gender}/{row.Population} for {row.Year} appears earlier in the same request; the earlier row wins.");

    private static void Require(bool condition, string field, string message)
    {
        if (!condition)
        {
            throw new GrainValidationException(field, message);
        }
    }
}
