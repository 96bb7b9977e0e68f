using FsCheck;
using FsCheck.Fluent;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Domain.Tests.Indicators;

namespace StriveNetwork.Domain.Tests.Suppression;

public sealed class SuppressionPropertyTests
{
    /// <summary>A random CIA-2024 table: raw numbers drive counts, gaps and source suppression; options vary too.</summary>
    public sealed record TableCase(int[] Numbers, int MinimumN, int MinimumOutcomeCount, bool Coding, bool MissingSensitive)
    {
        public SuppressionOptions Options => new()
        {
            MinimumN = MinimumN,
            MinimumOutcomeCount = MinimumOutcomeCount,
            TopCodeAbove = Coding ? 95 : null,
            BottomCodeBelow = Coding ? 5 : null,
            TreatMissingCellsAsSensitive = MissingSensitive,
        };

        public Dictionary<CellKey, Observation> Observations()
        {
            var next = 0;
            int Take() => Numbers[next++ % Numbers.Length];
            var truth = new Dictionary<CellKey, (long N, long D)>();
            foreach (var g in TestTables.Parts)
            {
                foreach (var r in TestTables.Races)
                {
                    // Mostly small groups (so suppression happens), sometimes large ones.
                    long d = Take() % 4 == 0 ? 30 + (Take() % 300) : 1 + (Take() % 25);
                    long n = Take() % 7 == 0 ? (Take() % 2 == 0 ? 0 : d) : Take() % (d + 1);
                    truth[new(g, r)] = (n, d);
                }

                var total = TestTables.Sum(TestTables.Races.Select(r => truth[new(g, r)]));
                truth[new(g, "all")] = total;
                foreach (var s in TestTables.Subsets)
                {
                    // A subset: some of the achievers and some of the others; may be nearly everyone or almost no one.
                    var achievers = Take() % 5 == 0 ? total.N : Take() % (total.N + 1);
                    var others = Take() % 5 == 0 ? total.D - total.N : Take() % (total.D - total.N + 1);
                    truth[new(g, s)] = (achievers, achievers + others);
                }
            }

            foreach (var p in TestTables.Races.Concat(TestTables.Subsets).Append("all"))
            {
                truth[new("all", p)] = TestTables.Sum(TestTables.Parts.Select(g => truth[new(g, p)]));
            }

            var observations = new Dictionary<CellKey, Observation>();
            foreach (var (cell, (n, d)) in truth)
            {
                var roll = Take() % 40;
                if (d == 0 || roll == 0)
                {
                    continue; // not reported
                }

                observations[cell] = roll == 1
                    ? new Observation(2024, cell.Gender, cell.Population, null, null, SuppressedAtSource: true, 1)
                    : Observation.Counted(2024, cell.Gender, cell.Population, n, d);
            }

            return observations;
        }
    }

    private static readonly Gen<TableCase> CaseGen =
        from numbers in Gen.ArrayOf(Gen.Choose(0, 100_000), 400)
        from minimumN in Gen.Choose(1, 30)
        from minimumOutcome in Gen.Choose(0, 3)
        from coding in Gen.Elements(true, false)
        from missingSensitive in Gen.Elements(true, true, false)
        select new TableCase(numbers, minimumN, minimumOutcome, coding, missingSensitive);

    private static readonly Arbitrary<TableCase> Cases = Arb.From(CaseGen);

    private static SuppressedTable Suppress(TableCase c, SuppressionOptions? options = null) =>
        new SmallCellSuppressor(options ?? c.Options).Suppress(PopulationTaxonomy.Cia2024, 2024, 1, c.Observations());

    [Fact]
    public void Generator_ProducesEveryKindOfCell()
    {
        // Guards the properties below against a generator that never exercises suppression.
        var reasons = CaseGen.Sample(numberOfSamples: 150, seed: new Rnd(20261201UL), size: 30).SelectMany(c => Suppress(c).Cells.Values).ToList();

        Assert.Contains(reasons, c => c.Reason == SuppressionReason.Primary);
        Assert.Contains(reasons, c => c.Reason == SuppressionReason.Complementary);
        Assert.Contains(reasons, c => c.Reason == SuppressionReason.SuppressedAtSource);
        Assert.Contains(reasons, c => c.Status == CellStatus.Coded);
        Assert.Contains(reasons, c => c.Status == CellStatus.Shown);
        Assert.Contains(reasons, c => c.Status == CellStatus.Missing);
    }

    [Fact]
    public void NoSuppressedCell_IsRecoverableBySubtraction() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Cases, c =>
        {
            var table = Suppress(c);
            var leaks = DisclosureChecker.SingleRelationLeaks(table, c.Observations(), c.Options);
            return leaks.Count == 0 ? true.ToProperty() : false.Label(string.Join("; ", leaks));
        }));

    [Fact]
    public void NoSuppressedCell_IsDeterminedByAllRelationsTogether() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Cases, c =>
        {
            var table = Suppress(c);
            var leaks = DisclosureChecker.LinearLeaks(table, c.Observations(), c.Options);
            return leaks.Count == 0 ? true.ToProperty() : false.Label(string.Join("; ", leaks));
        }));

    [Fact]
    public void NoHiddenCell_CanBeNarrowedBelowTheProtectionInterval() =>
        // The independent CP-SAT check (BoundedInferenceChecker) treats every count as an integer in
        // [0, denominator], knows every relation and every published value, and bounds each hidden numerator.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(80), Prop.ForAll(Cases, Arb.From(Gen.Elements(5.0, 10.0, 25.0)), (c, points) =>
        {
            var options = c.Options with { Protection = new ProtectionInterval { MinimumRangePercentagePoints = points } };
            var raw = c.Observations();
            var table = new SmallCellSuppressor(options).Suppress(PopulationTaxonomy.Cia2024, 2024, 1, raw);
            var failures = BoundedInferenceChecker.Check(table, raw, options).Where(r => !r.Ok).ToList();
            return failures.Count == 0 && table.Audit!.Safe
                ? true.ToProperty()
                : false.Label(string.Join("; ", failures.Select(f => $"{f.Member} {f.Low}..{f.High} of {f.Denominator} ({f.Rule})")));
        }));

    [Fact]
    public void Generator_ReachesIntervalProtectedCells()
    {
        // Guards the property above: primary cells with a real interval requirement must occur.
        var audits = CaseGen.Sample(numberOfSamples: 40, seed: new Rnd(20261201UL), size: 30).Select(c => Suppress(c).Audit!).ToList();

        Assert.Contains(audits, a => a.Ranges.Any(r => r.Requirement == ProtectionRequirement.Interval && r.Denominator > 0));
        Assert.Contains(audits, a => a.Ranges.Any(r => r.Member.Contains("/not-", StringComparison.Ordinal)));
    }

    [Fact]
    public void DerivedValues_UseOnlyExactlyPublishedCells() =>
        // Trends and gaps between two audited years publish numbers only when every cell they use is shown exactly,
        // so they add no equation to what the two tables already publish.
        Check.One(Config.QuickThrowOnFailure.WithMaxTest(40), Prop.ForAll(Cases, Cases, (first, second) =>
        {
            var definition = TestTables.Definition(baselineYear: 2020);
            var series = IndicatorSeries.Create(definition)
                .With(first.Observations().Values.Select(o => o with { Year = 2020 }))
                .With(second.Observations().Values.Select(o => o with { Year = 2024 }));
            var published = new SmallCellSuppressor(first.Options).Publish(series);
            var trends = new TrendRules();
            var gaps = new GapRules();
            foreach (var cell in PopulationTaxonomy.Cia2024.Cells)
            {
                var trend = trends.Evaluate(published, cell);
                var exact = published.Cell(1, 2020, cell)?.HasExactRate == true && published.Cell(1, 2024, cell)?.HasExactRate == true;
                if (!exact && (trend.Difference is not null || trend.Z is not null || trend.Direction != TrendDirection.InsufficientData))
                {
                    return false.Label($"trend of {cell} published from a hidden cell");
                }
            }

            foreach (var reference in new[] { GapReference.AllStudents, GapReference.Complement, GapReference.NamedGroup("white") })
            {
                var gap = gaps.Evaluate(new GapDefinition("g", definition.Id, "female", "black", reference), published);
                CellKey[] used = reference.Kind switch
                {
                    GapReferenceKind.AllStudents => [new("female", "black"), new("all", "all")],
                    GapReferenceKind.Complement => [new("female", "black"), new("female", "all")],
                    _ => [new("female", "black"), new("female", "white")],
                };
                var allShown = used.All(c => published.Cell(1, 2020, c)?.HasExactRate == true && published.Cell(1, 2024, c)?.HasExactRate == true);
                if (!allShown && (gap.BaselineGap is not null || gap.LatestGap is not null || gap.Change != GapChange.InsufficientData))
                {
                    return false.Label($"gap against {reference} published from a hidden cell");
                }
            }

            return true.ToProperty();
        }));

    [Fact]
    public void ShownCells_MeetEveryPrimaryRule() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Cases, c =>
        {
            var options = c.Options;
            return Suppress(c).Cells.Values.All(cell => cell.Status switch
            {
                CellStatus.Shown => cell.Denominator >= options.MinimumN
                    && cell.Numerator >= options.MinimumOutcomeCount
                    && cell.Denominator - cell.Numerator >= options.MinimumOutcomeCount
                    && (!c.Coding || (cell.Rate >= 5 && cell.Rate <= 95)),
                CellStatus.Coded => c.Coding && cell.Numerator is null && cell.Rate is null && cell.Denominator >= options.MinimumN,
                CellStatus.Suppressed => cell.Numerator is null && cell.Denominator is null && cell.Rate is null && cell.Display == "*",
                _ => cell.Numerator is null && cell.Rate is null,
            });
        }));

    [Fact]
    public void RaisingMinimumN_NeverRevealsACellALowerMinimumHid() =>
        Check.QuickThrowOnFailure(Prop.ForAll(Cases, Arb.From(Gen.Choose(0, 20)), (c, raise) =>
        {
            var low = Suppress(c);
            var high = Suppress(c, c.Options with { MinimumN = c.MinimumN + raise });
            var primaryLow = low.Cells.Values.Where(x => x.Reason == SuppressionReason.Primary).Select(x => x.Cell);
            var primaryHigh = high.Cells.Values.Where(x => x.Reason == SuppressionReason.Primary).Select(x => x.Cell).ToHashSet();
            return primaryLow.All(cell => primaryHigh.Contains(cell) && high.Cells[cell].Status == CellStatus.Suppressed);
        }));

    [Fact]
    public void TrendDirection_FlipsWithPolarity() =>
        Check.QuickThrowOnFailure(Prop.ForAll(
            Arb.From(from d1 in Gen.Choose(1, 5000) from d2 in Gen.Choose(1, 5000) from a in Gen.Choose(0, 5000) from b in Gen.Choose(0, 5000) select (d1, d2, a % (d1 + 1), b % (d2 + 1))),
            t =>
            {
                var (d1, d2, n1, n2) = t;
                PublishedCell Cell(int year, long n, long d) =>
                    new(new CellKey("all", "all"), year, 1, CellStatus.Shown, n, d, 100.0 * n / d, "x", SuppressionReason.None, "x");
                var rules = new TrendRules();
                var higher = rules.Evaluate(Polarity.HigherIsBetter, Cell(2020, n1, d1), Cell(2024, n2, d2));
                var lower = rules.Evaluate(Polarity.LowerIsBetter, Cell(2020, n1, d1), Cell(2024, n2, d2));
                var flipped = higher.Direction switch
                {
                    TrendDirection.Improved => TrendDirection.Worsened,
                    TrendDirection.Worsened => TrendDirection.Improved,
                    var same => same,
                };
                return lower.Direction == flipped && higher.Z == lower.Z && higher.P == lower.P;
            }));
}
