namespace StriveNetwork.Domain.Indicators;

/// <summary>Whether a higher or a lower rate is the desired direction for an indicator.</summary>
public enum Polarity
{
    HigherIsBetter = 1,
    LowerIsBetter = 2,
}

/// <summary>Core indicators measure an outcome directly; contributing indicators predict it.</summary>
public enum IndicatorRole
{
    Core = 1,
    Contributing = 2,
}

/// <summary>
/// One versioned indicator definition. Rates and targets are percentages (0–100) of numerator over denominator.
/// A change of <see cref="DefinitionVersion"/> starts a new series: no trend is ever computed across it.
/// </summary>
public sealed record IndicatorDefinition(
    string Id,
    string Name,
    Outcome Outcome,
    IndicatorRole Role,
    Polarity Polarity,
    string Unit,
    int BaselineYear,
    IReadOnlyDictionary<int, double> Targets,
    int DefinitionVersion,
    string TaxonomyVersion)
{
    /// <summary>Earliest year accepted anywhere in an indicator.</summary>
    public const int MinimumYear = 1990;

    /// <summary>Latest year accepted anywhere in an indicator.</summary>
    public const int MaximumYear = 2100;

    /// <summary>
    /// The target that applies to <paramref name="year"/>: the earliest target year at or after it, else the
    /// last target; null when no targets are set.
    /// </summary>
    public KeyValuePair<int, double>? TargetFor(int year)
    {
        if (Targets.Count == 0)
        {
            return null;
        }

        foreach (var target in Targets.OrderBy(t => t.Key))
        {
            if (target.Key >= year)
            {
                return target;
            }
        }

        return Targets.MaxBy(t => t.Key);
    }
}
