namespace StriveNetwork.Domain.Indicators;

/// <summary>
/// The observations of one indicator, immutable. A later observation for the same cell, year and definition
/// version replaces the earlier one; observations under different definition versions are kept apart and never
/// mixed by any rule.
/// </summary>
public sealed class IndicatorSeries
{
    private readonly Dictionary<(int Version, int Year, CellKey Cell), Observation> _observations;

    private IndicatorSeries(IndicatorDefinition definition, PopulationTaxonomy taxonomy, Dictionary<(int, int, CellKey), Observation> observations)
    {
        Definition = definition;
        Taxonomy = taxonomy;
        _observations = observations;
    }

    public IndicatorDefinition Definition { get; }

    public PopulationTaxonomy Taxonomy { get; }

    /// <summary>Number of stored observations across all versions.</summary>
    public int Count => _observations.Count;

    /// <summary>Creates an empty series; throws <see cref="IndicatorValidationException"/> for an invalid definition.</summary>
    public static IndicatorSeries Create(IndicatorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = IndicatorValidator.Validate(definition);
        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }

        return new IndicatorSeries(definition, PopulationTaxonomy.Find(definition.TaxonomyVersion)!, []);
    }

    /// <summary>
    /// Returns a series with the batch applied. The whole batch is rejected (with every error listed) when any
    /// observation is invalid, so a partial batch never lands.
    /// </summary>
    public IndicatorSeries With(IEnumerable<Observation> batch)
    {
        ArgumentNullException.ThrowIfNull(batch);
        var list = batch.ToList();
        var errors = IndicatorValidator.Validate(Definition, list);
        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }

        var next = new Dictionary<(int, int, CellKey), Observation>(_observations);
        foreach (var o in list)
        {
            next[(o.DefinitionVersion, o.Year, o.Cell)] = o;
        }

        return new IndicatorSeries(Definition, Taxonomy, next);
    }

    /// <summary>Returns a series under a new definition (e.g. a new version); stored observations are kept.</summary>
    public IndicatorSeries WithDefinition(IndicatorDefinition definition)
    {
        ArgumentNullException.ThrowIfNull(definition);
        var errors = IndicatorValidator.Validate(definition).ToList();
        if (!string.Equals(definition.Id, Definition.Id, StringComparison.Ordinal))
        {
            errors.Add(new("Id", ValidationErrorKind.Required, $"Indicator id cannot change from '{Definition.Id}' to '{definition.Id}'."));
        }

        if (definition.DefinitionVersion < Definition.DefinitionVersion)
        {
            errors.Add(new("DefinitionVersion", ValidationErrorKind.InvalidVersion, "Definition versions only move forward."));
        }

        if (!string.Equals(definition.TaxonomyVersion, Definition.TaxonomyVersion, StringComparison.Ordinal))
        {
            errors.Add(new("TaxonomyVersion", ValidationErrorKind.UnknownTaxonomy, "A taxonomy change needs a new indicator series."));
        }

        if (errors.Count > 0)
        {
            throw new IndicatorValidationException(errors);
        }

        return new IndicatorSeries(definition, Taxonomy, new(_observations));
    }

    /// <summary>The observation for a cell, or null.</summary>
    public Observation? Get(int definitionVersion, int year, CellKey cell) =>
        _observations.GetValueOrDefault((definitionVersion, year, cell));

    /// <summary>Years with at least one observation under a definition version, ascending.</summary>
    public IReadOnlyList<int> Years(int definitionVersion) =>
        [.. _observations.Keys.Where(k => k.Version == definitionVersion).Select(k => k.Year).Distinct().Order()];

    /// <summary>Definition versions present, ascending.</summary>
    public IReadOnlyList<int> Versions() => [.. _observations.Keys.Select(k => k.Version).Distinct().Order()];

    /// <summary>Every observation of one year under one definition version, keyed by cell.</summary>
    public IReadOnlyDictionary<CellKey, Observation> Table(int definitionVersion, int year) =>
        _observations.Where(kv => kv.Key.Version == definitionVersion && kv.Key.Year == year)
            .ToDictionary(kv => kv.Key.Cell, kv => kv.Value);
}
