using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Tests.Indicators;

/// <summary>Builds consistent CIA-2024 tables for tests: female/male parts are given, every total is their sum.</summary>
internal static class TestTables
{
    public static readonly string[] Races = ["aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race"];

    public static readonly string[] Subsets = ["low-income", "ell"];

    public static readonly string[] Parts = ["female", "male"];

    public static IndicatorDefinition Definition(
        Polarity polarity = Polarity.HigherIsBetter,
        int baselineYear = 2020,
        int version = 1,
        IReadOnlyDictionary<int, double>? targets = null,
        IndicatorRole role = IndicatorRole.Core,
        string id = "kr-1",
        Outcome outcome = Outcome.KindergartenReadiness) =>
        new(id, "Kindergarten readiness", outcome, role, polarity, "%", baselineYear,
            targets ?? new Dictionary<int, double> { [2025] = 70 }, version, "CIA-2024");

    /// <summary>Default parts: 50 of 100 per race group per gender; 20 of 40 low income and 10 of 20 ELL per gender.</summary>
    public static (long N, long D) DefaultPart(string gender, string population) => population switch
    {
        "low-income" => (20, 40),
        "ell" => (10, 20),
        _ => (50, 100),
    };

    /// <summary>
    /// A consistent table: <paramref name="parts"/> gives female and male counts for each race group and subset;
    /// "all" genders and All Students are sums.
    /// </summary>
    public static List<Observation> Consistent(int year, Func<string, string, (long N, long D)>? parts = null, int version = 1)
    {
        parts ??= DefaultPart;
        var counts = new Dictionary<CellKey, (long N, long D)>();
        foreach (var gender in Parts)
        {
            foreach (var population in Races.Concat(Subsets))
            {
                counts[new(gender, population)] = parts(gender, population);
            }

            counts[new(gender, "all")] = Sum(Races.Select(r => counts[new(gender, r)]));
        }

        foreach (var population in Races.Concat(Subsets).Append("all"))
        {
            counts[new("all", population)] = Sum(Parts.Select(g => counts[new(g, population)]));
        }

        return [.. counts.Select(kv => Observation.Counted(year, kv.Key.Gender, kv.Key.Population, kv.Value.N, kv.Value.D, version))];
    }

    public static (long N, long D) Sum(IEnumerable<(long N, long D)> items) =>
        items.Aggregate((0L, 0L), (acc, x) => (acc.Item1 + x.N, acc.Item2 + x.D));

    public static IndicatorSeries Series(IndicatorDefinition definition, params IEnumerable<Observation>[] years) =>
        years.Aggregate(IndicatorSeries.Create(definition), (s, batch) => s.With(batch));
}
