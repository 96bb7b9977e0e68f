namespace StriveNetwork.Domain.Indicators;

/// <summary>Checks indicator definitions and observation batches, returning every problem found.</summary>
public static class IndicatorValidator
{
    /// <summary>Validates a definition: identity, enum members, years, targets and the taxonomy version.</summary>
    public static IReadOnlyList<ValidationError> Validate(IndicatorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = new List<ValidationError>();
        if (string.IsNullOrWhiteSpace(definition.Id))
        {
            errors.Add(new("Id", ValidationErrorKind.Required, "An indicator needs an id."));
        }

        if (string.IsNullOrWhiteSpace(definition.Name))
        {
            errors.Add(new("Name", ValidationErrorKind.Required, "An indicator needs a name."));
        }

        if (!Enum.IsDefined(definition.Outcome))
        {
            errors.Add(new("Outcome", ValidationErrorKind.UnknownOutcome, $"Outcome {(int)definition.Outcome} is not a known outcome."));
        }

        if (!Enum.IsDefined(definition.Role))
        {
            errors.Add(new("Role", ValidationErrorKind.UnknownRole, $"Role {(int)definition.Role} is neither core nor contributing."));
        }

        if (!Enum.IsDefined(definition.Polarity))
        {
            errors.Add(new("Polarity", ValidationErrorKind.UnknownPolarity, $"Polarity {(int)definition.Polarity} is not known."));
        }

        CheckYear(errors, "BaselineYear", definition.BaselineYear);
        if (definition.DefinitionVersion < 1)
        {
            errors.Add(new("DefinitionVersion", ValidationErrorKind.InvalidVersion, "Definition versions start at 1."));
        }

        if (PopulationTaxonomy.Find(definition.TaxonomyVersion) is null)
        {
            errors.Add(new("TaxonomyVersion", ValidationErrorKind.UnknownTaxonomy, $"Taxonomy version '{definition.TaxonomyVersion}' is not known."));
        }

        if (definition.Targets is null)
        {
            errors.Add(new("Targets", ValidationErrorKind.Required, "Targets may be empty but not null."));
        }
        else
        {
            foreach (var (year, value) in definition.Targets)
            {
                CheckYear(errors, $"Targets[{year}]", year);
                if (year <= definition.BaselineYear)
                {
                    errors.Add(new($"Targets[{year}]", ValidationErrorKind.YearOutOfRange, $"Target year {year} is not after the baseline year {definition.BaselineYear}."));
                }

                if (!double.IsFinite(value) || value < 0 || value > 100)
                {
                    errors.Add(new($"Targets[{year}]", ValidationErrorKind.RateOutOfRange, $"Target {value} is not a percentage between 0 and 100."));
                }
            }
        }

        return errors;
    }

    /// <summary>
    /// Validates a batch of observations against a definition's taxonomy: counts, codes, years, definition
    /// versions (at most the definition's current one) and duplicate cells within the batch.
    /// </summary>
    public static IReadOnlyList<ValidationError> Validate(IndicatorDefinition definition, IReadOnlyList<Observation> observations)
    {
        ArgumentNullException.ThrowIfNull(definition);
        ArgumentNullException.ThrowIfNull(observations);
        var errors = new List<ValidationError>();
        var taxonomy = PopulationTaxonomy.Find(definition.TaxonomyVersion);
        if (taxonomy is null)
        {
            errors.Add(new("TaxonomyVersion", ValidationErrorKind.UnknownTaxonomy, $"Taxonomy version '{definition.TaxonomyVersion}' is not known."));
        }

        var seen = new Dictionary<(int, int, string, string), int>();
        for (var i = 0; i < observations.Count; i++)
        {
            var o = observations[i];
            var at = $"observations[{i}]";
            if (o is null)
            {
                errors.Add(new(at, ValidationErrorKind.Required, "Observation is null."));
                continue;
            }

            CheckYear(errors, $"{at}.Year", o.Year);
            if (o.DefinitionVersion < 1 || o.DefinitionVersion > definition.DefinitionVersion)
            {
                errors.Add(new($"{at}.DefinitionVersion", ValidationErrorKind.InvalidVersion,
                    $"Definition version {o.DefinitionVersion} is not between 1 and the indicator's current version {definition.DefinitionVersion}."));
            }

            if (taxonomy is not null && !taxonomy.IsKnownGender(o.Gender))
            {
                errors.Add(new($"{at}.Gender", ValidationErrorKind.UnknownGender, $"Gender code '{o.Gender}' is not in taxonomy {taxonomy.Version}."));
            }

            if (taxonomy is not null && !taxonomy.IsKnownPopulation(o.Population))
            {
                errors.Add(new($"{at}.Population", ValidationErrorKind.UnknownPopulation, $"Population code '{o.Population}' is not in taxonomy {taxonomy.Version}."));
            }

            CheckCounts(errors, at, o);

            var key = (o.DefinitionVersion, o.Year, o.Gender ?? string.Empty, o.Population ?? string.Empty);
            if (seen.TryGetValue(key, out var first))
            {
                errors.Add(new(at, ValidationErrorKind.DuplicateCell,
                    $"Cell {o.Gender}/{o.Population} for {o.Year} (definition v{o.DefinitionVersion}) already appears at observations[{first}]."));
            }
            else
            {
                seen[key] = i;
            }
        }

        return errors;
    }

    private static void CheckCounts(List<ValidationError> errors, string at, Observation o)
    {
        if (o.Numerator < 0)
        {
            errors.Add(new($"{at}.Numerator", ValidationErrorKind.NegativeCount, $"Numerator {o.Numerator} is negative."));
        }

        if (o.Denominator < 0)
        {
            errors.Add(new($"{at}.Denominator", ValidationErrorKind.NegativeCount, $"Denominator {o.Denominator} is negative."));
        }
        else if (o.Denominator == 0)
        {
            errors.Add(new($"{at}.Denominator", ValidationErrorKind.ZeroDenominator, "Denominator is zero; report the cell as suppressed at source or leave it out."));
        }

        if (o.Numerator is { } n && o.Denominator is { } d && d > 0 && n > d)
        {
            errors.Add(new($"{at}.Numerator", ValidationErrorKind.NumeratorExceedsDenominator, $"Numerator {n} is above denominator {d}."));
        }

        if ((o.Numerator is null) != (o.Denominator is null))
        {
            errors.Add(new(o.Numerator is null ? $"{at}.Numerator" : $"{at}.Denominator", ValidationErrorKind.MissingValue,
                "Numerator and denominator must be given together."));
        }

        if (o.ReportedRate is { } rate && (!double.IsFinite(rate) || rate < 0 || rate > 100))
        {
            errors.Add(new($"{at}.ReportedRate", ValidationErrorKind.RateOutOfRange, $"Rate {rate} is not a percentage between 0 and 100."));
        }

        if (!o.SuppressedAtSource && o.Numerator is null && o.Denominator is null && o.ReportedRate is null)
        {
            errors.Add(new(at, ValidationErrorKind.MissingValue, "An unsuppressed cell needs counts or a reported rate."));
        }
    }

    private static void CheckYear(List<ValidationError> errors, string field, int year)
    {
        if (year < IndicatorDefinition.MinimumYear || year > IndicatorDefinition.MaximumYear)
        {
            errors.Add(new(field, ValidationErrorKind.YearOutOfRange,
                $"Year {year} is outside {IndicatorDefinition.MinimumYear}–{IndicatorDefinition.MaximumYear}."));
        }
    }
}
