using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Suppression;

public sealed class SuppressedTableCacheTests
{
    private static readonly Gen<SuppressionPropertyTests.TableCase> CaseGen =
        from numbers in Gen.ArrayOf(Gen.Choose(0, 100_000), 400)
        from minimumN in Gen.Choose(1, 30)
        from minimumOutcome in Gen.Choose(0, 3)
        from coding in Gen.Elements(true, false)
        from missingSensitive in Gen.Elements(true, true, false)
        select new SuppressionPropertyTests.TableCase(numbers, minimumN, minimumOutcome, coding, missingSensitive);

    private static Dictionary<CellKey, Observation> Relabel(Dictionary<CellKey, Observation> observations, int year, int version) =>
        observations.ToDictionary(kv => kv.Key, kv => kv.Value with { Year = year, DefinitionVersion = version });

    private static string Describe(SuppressedTable table) =>
        string.Join("; ", table.InOrder().Select(c => $"{c.Cell}:{c.Year}/{c.DefinitionVersion}:{c.Status}:{c.Reason}:{c.Display}"));

    private static bool SameTable(SuppressedTable expected, SuppressedTable actual) =>
        expected.Year == actual.Year && expected.DefinitionVersion == actual.DefinitionVersion
        && ReferenceEquals(expected.Taxonomy, actual.Taxonomy)
        && expected.Cells.Count == actual.Cells.Count
        && expected.Cells.All(kv => actual.Cells.TryGetValue(kv.Key, out var cell) && cell == kv.Value)
        && expected.Audit!.Safe == actual.Audit!.Safe
        && expected.Audit.Ranges.SequenceEqual(actual.Audit.Ranges)
        && expected.Audit.RelaxedRelations.SequenceEqual(actual.Audit.RelaxedRelations);

    [Fact]
    public void A_cached_table_equals_the_full_suppression_and_audit_of_the_same_content_under_any_label() =>
        // The privacy guarantee rests on the audit; the cache may skip it only because its answer is the audit's.
        // Two contents per case: the table itself, then a different year and definition version of the same counts
        // (a hit that must be relabelled), each compared with a suppressor that has no cache at all.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(60), Prop.ForAll(Arb.From(CaseGen), Arb.From(Gen.Choose(2000, 2030)), (c, otherYear) =>
        {
            var cache = new SuppressedTableCache(16);
            var cached = new SmallCellSuppressor(c.Options, cache);
            var full = new SmallCellSuppressor(c.Options, cache: null);
            var taxonomy = PopulationTaxonomy.Cia2024;
            var observations = c.Observations();

            var first = cached.Suppress(taxonomy, 2024, 1, observations);
            var relabelled = Relabel(observations, otherYear, 3);
            var hit = cached.Suppress(taxonomy, otherYear, 3, relabelled);
            var expectedFirst = full.Suppress(taxonomy, 2024, 1, observations);
            var expectedHit = full.Suppress(taxonomy, otherYear, 3, relabelled);

            return (cache.Count == 1).Label("the second call was a hit")
                .And(SameTable(expectedFirst, first).Label($"first: {Describe(expectedFirst)} vs {Describe(first)}"))
                .And(SameTable(expectedHit, hit).Label($"relabelled: {Describe(expectedHit)} vs {Describe(hit)}"));
        }));

    [Fact]
    public void Different_counts_options_or_a_prior_release_are_not_served_from_the_cache()
    {
        var cache = new SuppressedTableCache(16);
        var taxonomy = PopulationTaxonomy.Cia2024;
        var options = new SuppressionOptions { TreatMissingCellsAsSensitive = false };
        var small = new Dictionary<CellKey, Observation>
        {
            [new("all", "all")] = Observation.Counted(2024, "all", "all", 40, 100),
            [new("female", "all")] = Observation.Counted(2024, "female", "all", 3, 8),
        };
        var table = new SmallCellSuppressor(options, cache).Suppress(taxonomy, 2024, 1, small);
        Assert.Equal(CellStatus.Suppressed, table.Get("female", "all").Status);

        // One student more in the small cell: another content, another entry.
        var changed = new Dictionary<CellKey, Observation>(small) { [new("female", "all")] = Observation.Counted(2024, "female", "all", 3, 9) };
        new SmallCellSuppressor(options, cache).Suppress(taxonomy, 2024, 1, changed);
        Assert.Equal(2, cache.Count);

        // Other options: MinimumN 5 shows the 8-student cell; a cached answer under the defaults would hide it.
        var lenient = new SmallCellSuppressor(options with { MinimumN = 5 }, cache).Suppress(taxonomy, 2024, 1, small);
        Assert.Equal(CellStatus.Shown, lenient.Get("female", "all").Status);
        Assert.Equal(3, cache.Count);

        // With a prior release the answer depends on that release too: never cached.
        new SmallCellSuppressor(options, cache).Suppress(taxonomy, 2024, 1, small, new PriorRelease(table, small));
        Assert.Equal(3, cache.Count);
    }

    [Fact]
    public void The_cache_keeps_at_most_its_capacity_and_drops_the_least_recently_used()
    {
        var cache = new SuppressedTableCache(2);
        var suppressor = new SmallCellSuppressor(new SuppressionOptions(), cache);
        var taxonomy = PopulationTaxonomy.Cia2024;
        Dictionary<CellKey, Observation> Table(long met) => new() { [new("all", "all")] = Observation.Counted(2024, "all", "all", met, 1000) };

        var first = suppressor.Suppress(taxonomy, 2024, 1, Table(500));
        suppressor.Suppress(taxonomy, 2024, 1, Table(600));
        Assert.Same(first, suppressor.Suppress(taxonomy, 2024, 1, Table(500))); // a hit: 500 is now the most recent
        suppressor.Suppress(taxonomy, 2024, 1, Table(700)); // evicts 600
        Assert.Equal(2, cache.Count);
        Assert.Same(first, suppressor.Suppress(taxonomy, 2024, 1, Table(500)));
        Assert.Null(cache.Find(SuppressedTableCache.KeyOf(taxonomy, new SuppressionOptions(), Table(600)), taxonomy, 2024, 1));
    }
}
