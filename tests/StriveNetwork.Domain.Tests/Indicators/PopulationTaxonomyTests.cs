using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests.Indicators;

public sealed class PopulationTaxonomyTests
{
    [Fact]
    public void Cia2024_Has36CellsWithStableCodes()
    {
        var taxonomy = PopulationTaxonomy.Cia2024;

        Assert.Equal("CIA-2024", taxonomy.Version);
        Assert.Equal(["all", "female", "male"], taxonomy.Genders.Select(g => g.Code));
        Assert.Equal(
            ["all", "aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race", "low-income", "ell"],
            taxonomy.Populations.Select(p => p.Code));
        Assert.Equal(36, taxonomy.Cells.Count());
        Assert.Equal(36, taxonomy.Cells.Distinct().Count());
        Assert.Equal("Hispanic or Latine", taxonomy.Population("hispanic").Name);
        Assert.Equal(PopulationKind.Subset, taxonomy.Population("ell").Kind);
        Assert.Equal(9, taxonomy.Populations.Count(p => p.Kind == PopulationKind.RaceEthnicity));
    }

    [Theory]
    [InlineData("latino")]
    [InlineData("ALL")]
    [InlineData("")]
    public void Lookup_RejectsUnknownCodes(string code)
    {
        var taxonomy = PopulationTaxonomy.Cia2024;

        Assert.False(taxonomy.IsKnownPopulation(code));
        Assert.False(taxonomy.IsKnownGender(code));
        Assert.Throws<KeyNotFoundException>(() => taxonomy.Population(code));
        Assert.Throws<KeyNotFoundException>(() => taxonomy.Gender(code));
    }

    [Fact]
    public void Find_ReturnsNullForUnknownVersion()
    {
        Assert.Same(PopulationTaxonomy.Cia2024, PopulationTaxonomy.Find("CIA-2024"));
        Assert.Null(PopulationTaxonomy.Find("CIA-1999"));
        Assert.Null(PopulationTaxonomy.Find(null));
    }
}
