using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;
using StriveNetwork.Domain.Tests.Indicators;

namespace StriveNetwork.Domain.Tests.Suppression;

/// <summary>The bounded-inference audit on hand-made tables (the examples).</summary>
public sealed class DisclosureAuditTests
{
    private static Dictionary<CellKey, Observation> Table(Func<string, string, (long N, long D)> parts) =>
        TestTables.Consistent(2024, parts).ToDictionary(o => o.Cell);

    private static SuppressedTable Run(Dictionary<CellKey, Observation> raw, SuppressionOptions? options = null, PriorRelease? prior = null) =>
        new SmallCellSuppressor(options).Suppress(PopulationTaxonomy.Cia2024, 2024, 1, raw, prior);

    [Fact]
    public void TwoSmallCellsThatAllFailed_AreNotLeftAtZeroOfNine()
    {
        // Female AIAN 0 of 4 and female NHPI 0 of 5 are primary. Hiding just them (and their male partners) leaves
        // "female total minus the shown female groups" = 0 of 9: every hidden student failed. Subtraction alone
        // never sees it (two unknowns, one equation); bounds do.
        var raw = Table((g, p) => (g, p) switch
        {
            ("female", "aian") => (0, 4),
            ("female", "nhpi") => (0, 5),
            _ => TestTables.DefaultPart(g, p),
        });

        var table = Run(raw);

        Assert.True(table.Audit!.Safe);
        var ranges = BoundedInferenceChecker.Check(table, raw, new SuppressionOptions());
        Assert.All(ranges, r => Assert.True(r.Ok, $"{r.Member}: {r.Low}..{r.High} of {r.Denominator} ({r.Rule})"));
        var aian = Assert.Single(ranges, r => r.Member == "female/aian");
        Assert.True(aian.High > 0, "female/aian must not be pinned to 0%");
        Assert.True(table.Cells.Values.Count(c => c.Status == CellStatus.Suppressed) > 4);
    }

    [Fact]
    public void AuditOfTheOldAnswer_FindsThePinnedCells()
    {
        // The same table suppressed only by subtraction rules (what the suppressor did before the audit): female
        // AIAN and NHPI and their male partners. The independent check pins both female cells to 0.
        var raw = Table((g, p) => (g, p) switch
        {
            ("female", "aian") => (0, 4),
            ("female", "nhpi") => (0, 5),
            _ => TestTables.DefaultPart(g, p),
        });
        string[] hidden = ["female/aian", "female/nhpi", "male/aian", "male/nhpi"];
        var oldAnswer = new SuppressedTable(2024, 1, PopulationTaxonomy.Cia2024, raw.ToDictionary(
            kv => kv.Key,
            kv => hidden.Contains(kv.Key.ToString())
                ? new PublishedCell(kv.Key, 2024, 1, CellStatus.Suppressed, null, null, null, "*", SuppressionReason.Primary, "hidden")
                : new PublishedCell(kv.Key, 2024, 1, CellStatus.Shown, kv.Value.Numerator, kv.Value.Denominator, kv.Value.Rate, "shown", SuppressionReason.None, "shown")));

        var ranges = BoundedInferenceChecker.Check(oldAnswer, raw, new SuppressionOptions());

        var aian = Assert.Single(ranges, r => r.Member == "female/aian");
        Assert.Equal((0, 0), (aian.Low, aian.High));
        Assert.False(aian.Ok);
    }

    [Fact]
    public void EveryNotLowIncomeStudentFailing_IsNotDerivableFromAllStudents()
    {
        // Female All Students 450 of 900; female Low Income 450 of 880: the 20 students not low income all failed.
        // The complement passes the minimum n (20) but "0 of 20" sits alone in the <5% range, so it is sensitive:
        // Low Income may not be shown next to All Students.
        var raw = Table((g, p) => (g, p) == ("female", "low-income") ? (450, 880) : TestTables.DefaultPart(g, p));

        var table = Run(raw);

        Assert.True(table.Audit!.Safe);
        Assert.Equal(CellStatus.Suppressed, table.Get("female", "low-income").Status);
        var complement = Assert.Single(table.Audit.Ranges, r => r.Member == "female/not-low-income");
        Assert.True(complement.Upper > 0);
        Assert.All(BoundedInferenceChecker.Check(table, raw, new SuppressionOptions()), r => Assert.True(r.Ok, r.ToString()));
    }

    [Theory]
    [InlineData(10)]
    [InlineData(30)]
    public void WiderInterval_HidesAtLeastAsMuch_AndEveryRangeMeetsIt(double points)
    {
        var raw = Table((g, p) => (g, p) switch
        {
            ("female", "aian") => (3, 6),
            ("male", "mena") => (1, 7),
            ("female", "asian") => (20, 40),
            _ => TestTables.DefaultPart(g, p),
        });
        var options = new SuppressionOptions { Protection = new ProtectionInterval { MinimumRangePercentagePoints = points } };

        var table = Run(raw, options);

        Assert.True(table.Audit!.Safe);
        Assert.All(BoundedInferenceChecker.Check(table, raw, options), r => Assert.True(r.Ok, r.ToString()));
        Assert.All(table.Audit.Ranges.Where(r => r.Requirement == ProtectionRequirement.Interval && r.Denominator > 0),
            r => Assert.True(r.RateRangePercentagePoints >= points, r.ToString()));
    }

    [Fact]
    public void Revision_CountsWhatTheEarlierReleaseShowed()
    {
        // The first release showed every female group (all large). The revision corrects female AIAN to 2 of 6.
        // Without the earlier release the suppressor would hide female AIAN and one small partner; but the earlier
        // release still shows the unchanged partner, so the revision has to hide more.
        var first = Table(TestTables.DefaultPart);
        var published = Run(first);
        Assert.All(published.Cells.Values, c => Assert.Equal(CellStatus.Shown, c.Status));
        var revised = Table((g, p) => (g, p) == ("female", "aian") ? (2, 6) : TestTables.DefaultPart(g, p));

        var alone = Run(revised);
        var withPrior = Run(revised, prior: new PriorRelease(published, first));

        Assert.True(withPrior.Audit!.Safe);
        var knownBefore = first
            .Where(kv => revised[kv.Key] == kv.Value && published.Cells[kv.Key].Status == CellStatus.Shown)
            .ToDictionary(kv => kv.Key.ToString(), kv => kv.Value.Numerator!.Value);
        Assert.Contains(BoundedInferenceChecker.Check(alone, revised, new SuppressionOptions(), knownBefore), r => !r.Ok);
        Assert.All(BoundedInferenceChecker.Check(withPrior, revised, new SuppressionOptions(), knownBefore), r => Assert.True(r.Ok, r.ToString()));
    }

    [Fact]
    public void AuditRanges_AreForTheDataOwnerOnly()
    {
        var table = Run(Table((g, p) => (g, p) == ("female", "aian") ? (2, 5) : TestTables.DefaultPart(g, p)));

        Assert.NotEmpty(table.Audit!.Ranges);
        Assert.Null(table.ForPublication().Audit);
    }

    [Fact]
    public void ProtectionInterval_IsValidated()
    {
        var errors = new SuppressionOptions { Protection = new ProtectionInterval { MinimumRangePercentagePoints = 120 } }.Validate();

        Assert.Contains(errors, e => e.Field == "Protection.MinimumRangePercentagePoints");
        Assert.Throws<IndicatorValidationException>(() => new SmallCellSuppressor(new SuppressionOptions { Protection = new ProtectionInterval { MinimumRangePercentagePoints = -1 } }));
    }
}
