namespace StriveNetwork.Domain.Indicators;

/// <summary>How a population relates to All Students, which decides the subtraction relations it takes part in.</summary>
public enum PopulationKind
{
    /// <summary>All Students: the total every other population is part of.</summary>
    Total = 1,

    /// <summary>A race/ethnicity group; together the groups are treated as a partition of All Students.</summary>
    RaceEthnicity = 2,

    /// <summary>A subset of All Students (Low Income, English Language Learner) whose complement is never shown.</summary>
    Subset = 3,
}

/// <summary>A gender of the taxonomy; <paramref name="IsTotal"/> marks "All".</summary>
public sealed record GenderCategory(string Code, string Name, bool IsTotal);

/// <summary>A population of the taxonomy with its stable code.</summary>
public sealed record PopulationCategory(string Code, string Name, PopulationKind Kind);

/// <summary>The address of one cell of a disaggregated table: a gender code and a population code.</summary>
public readonly record struct CellKey(string Gender, string Population)
{
    public override string ToString() => $"{Gender}/{Population}";
}

/// <summary>
/// A versioned disaggregation taxonomy (genders × populations). Codes are stable across versions where the
/// category is unchanged; lookups reject unknown codes instead of guessing.
/// </summary>
public sealed class PopulationTaxonomy
{
    /// <summary>Code of the gender total.</summary>
    public const string AllGenders = "all";

    /// <summary>Code of the All Students population.</summary>
    public const string AllStudents = "all";

    private readonly Dictionary<string, GenderCategory> _genders;
    private readonly Dictionary<string, PopulationCategory> _populations;

    public PopulationTaxonomy(string version, IReadOnlyList<GenderCategory> genders, IReadOnlyList<PopulationCategory> populations)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(version);
        ArgumentNullException.ThrowIfNull(genders);
        ArgumentNullException.ThrowIfNull(populations);
        if (genders.Count(g => g.IsTotal) != 1 || populations.Count(p => p.Kind == PopulationKind.Total) != 1)
        {
            throw new ArgumentException("A taxonomy needs exactly one gender total and one population total.");
        }

        Version = version;
        Genders = genders;
        Populations = populations;
        _genders = genders.ToDictionary(g => g.Code, StringComparer.Ordinal);
        _populations = populations.ToDictionary(p => p.Code, StringComparer.Ordinal);
    }

    /// <summary>The Civic Infrastructure Assessment 2024 set: 3 genders × 12 populations = 36 cells.</summary>
    public static PopulationTaxonomy Cia2024 { get; } = new(
        "CIA-2024",
        [
            new GenderCategory(AllGenders, "All", IsTotal: true),
            new GenderCategory("female", "Female", IsTotal: false),
            new GenderCategory("male", "Male", IsTotal: false),
        ],
        [
            new PopulationCategory(AllStudents, "All Students", PopulationKind.Total),
            new PopulationCategory("aian", "American Indian or Alaska Native", PopulationKind.RaceEthnicity),
            new PopulationCategory("asian", "Asian", PopulationKind.RaceEthnicity),
            new PopulationCategory("black", "Black or African American", PopulationKind.RaceEthnicity),
            new PopulationCategory("hispanic", "Hispanic or Latine", PopulationKind.RaceEthnicity),
            new PopulationCategory("mena", "Middle Eastern or North African", PopulationKind.RaceEthnicity),
            new PopulationCategory("nhpi", "Native Hawaiian or Pacific Islander", PopulationKind.RaceEthnicity),
            new PopulationCategory("white", "White", PopulationKind.RaceEthnicity),
            new PopulationCategory("multiracial", "Multi-Racial", PopulationKind.RaceEthnicity),
            new PopulationCategory("other-race", "Other Race", PopulationKind.RaceEthnicity),
            new PopulationCategory("low-income", "Low Income", PopulationKind.Subset),
            new PopulationCategory("ell", "English Language Learner", PopulationKind.Subset),
        ]);

    /// <summary>Every taxonomy version this build knows.</summary>
    public static IReadOnlyList<PopulationTaxonomy> Known { get; } = [Cia2024];

    public string Version { get; }

    public IReadOnlyList<GenderCategory> Genders { get; }

    public IReadOnlyList<PopulationCategory> Populations { get; }

    /// <summary>All cells, genders outer, populations inner, in taxonomy order.</summary>
    public IEnumerable<CellKey> Cells =>
        Genders.SelectMany(g => Populations.Select(p => new CellKey(g.Code, p.Code)));

    /// <summary>Finds a known taxonomy by version, or null.</summary>
    public static PopulationTaxonomy? Find(string? version) =>
        Known.FirstOrDefault(t => string.Equals(t.Version, version, StringComparison.Ordinal));

    public bool IsKnownGender(string? code) => code is not null && _genders.ContainsKey(code);

    public bool IsKnownPopulation(string? code) => code is not null && _populations.ContainsKey(code);

    /// <summary>Returns the gender with this code; throws <see cref="KeyNotFoundException"/> for unknown codes.</summary>
    public GenderCategory Gender(string code) =>
        code is not null && _genders.TryGetValue(code, out var gender)
            ? gender
            : throw new KeyNotFoundException($"Gender code '{code}' is not in taxonomy {Version}.");

    /// <summary>Returns the population with this code; throws <see cref="KeyNotFoundException"/> for unknown codes.</summary>
    public PopulationCategory Population(string code) =>
        code is not null && _populations.TryGetValue(code, out var population)
            ? population
            : throw new KeyNotFoundException($"Population code '{code}' is not in taxonomy {Version}.");
}
