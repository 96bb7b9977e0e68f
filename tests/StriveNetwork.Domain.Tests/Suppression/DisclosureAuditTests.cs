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
    public void Revision_KeepsWhatTheEarlierReleaseHidProtected()
    {
        // The first release hid female AIAN (2 of 5) with partners. The revision corrects female AIAN to 50 of 100,
        // which alone would need no suppression at all; but showing every unchanged female group would give away
        // the earlier 2 of 5 (earlier female total minus the unchanged groups).
        var first = Table((g, p) => (g, p) == ("female", "aian") ? (2, 5) : TestTables.DefaultPart(g, p));
        var published = Run(first);
        Assert.Equal(CellStatus.Suppressed, published.Get("female", "aian").Status);
        var revised = Table(TestTables.DefaultPart);

        var alone = Run(revised);
        var withPrior = Run(revised, prior: new PriorRelease(published.ForPublication(), first));

        Assert.All(alone.Cells.Values, c => Assert.Equal(CellStatus.Shown, c.Status));
        Assert.True(withPrior.Audit!.Safe);
        var earlier = Assert.Single(withPrior.Audit.Ranges, r => r.Member == "prior:female/aian");
        Assert.Equal(ProtectionRequirement.Interval, earlier.Requirement);
        Assert.True(earlier.RateRangePercentagePoints >= 10);
        Assert.Contains(TestTables.Races.Where(r => r != "aian"), r => withPrior.Get("female", r).Status == CellStatus.Suppressed);
    }

    [Fact]
    public void ApplyingTheIntervalToComplementaryCells_WidensThemToo()
    {
        // Female AIAN 2 of 5 is primary; by default its partners need only stay undetermined (male AIAN is known to
        // within 47..52 of 100). With the interval applied to every hidden cell, they get 10 points too.
        var raw = Table((g, p) => (g, p) switch
        {
            ("female", "aian") => (2, 5),
            ("female", "asian") => (15, 30),
            _ => TestTables.DefaultPart(g, p),
        });
        var strict = new SuppressionOptions { Protection = new ProtectionInterval { ApplyToComplementaryCells = true } };

        var byDefault = Run(raw);
        var everyCell = Run(raw, strict);

        Assert.Contains(byDefault.Audit!.Ranges, r => r.Requirement == ProtectionRequirement.NotDetermined && r.RateRangePercentagePoints < 10);
        Assert.True(everyCell.Audit!.Safe);
        Assert.All(everyCell.Audit.Ranges.Where(r => r.Denominator > 0 && !r.Member.Contains("/not-", StringComparison.Ordinal)), r =>
        {
            Assert.Equal(ProtectionRequirement.Interval, r.Requirement);
            Assert.True(r.RateRangePercentagePoints >= 10, r.ToString());
        });
        Assert.True(everyCell.Cells.Values.Count(c => c.Status == CellStatus.Suppressed) > byDefault.Cells.Values.Count(c => c.Status == CellStatus.Suppressed));
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

/// <summary>The audit engine on relations that are not totally unimodular (odd cycles).</summary>
public sealed class DisclosureAuditEngineTests
{
    [Fact]
    public void FractionalLinearBound_IsReplacedByTheExactIntegerBound()
    {
        // 1 = a + b, 1 = b + c, 1 = a + c + d, each count in [0, 1]. The linear relaxation lets a reach 0.5
        // (b = 0.5); in integers b = 0 forces a + c = 2, so b = 1 and a = 0: a is pinned to 0 of 1.
        static AuditMember Hidden(string id, long n) => new(id, null, 1, 0, null, n, 1, ProtectionRequirement.Interval);
        static AuditMember Shown(string id) => new(id, 1, 3, 0, null, 1, 3, ProtectionRequirement.None);
        AuditMember[] members = [Hidden("a", 0), Hidden("b", 1), Hidden("c", 0), Hidden("d", 1), Shown("t1"), Shown("t2"), Shown("t3")];
        AuditRelation[] relations =
        [
            new("t1", ["t1", "a", "b"], "t1 = a + b"),
            new("t2", ["t2", "b", "c"], "t2 = b + c"),
            new("t3", ["t3", "a", "c", "d"], "t3 = a + c + d"),
        ];

        // The totals' denominators (3) do not add up from the parts' (1 each): the audit takes each relation's true
        // residual as known to the reader, which keeps the true table feasible.
        var result = DisclosureAudit.Run(members, relations, new ProtectionInterval());

        var a = Assert.Single(result.Ranges, r => r.Member == "a");
        Assert.Equal((0, 0), (a.Lower, a.Upper));
        Assert.True(a.Exact);
        Assert.False(a.Satisfied);
        Assert.False(result.Safe);
        Assert.True(result.ExactIntegerSolves > 0, "the integer solver must have been used");
    }

    [Fact]
    public void CellsWithoutCounts_MayBeZero()
    {
        // total 5 = x + m where m has no observation: m may be 0, so x ranges over [0, 5] ∩ [0, d_x = 5].
        AuditMember[] members =
        [
            new("total", 5, 10, 0, null, 5, 10, ProtectionRequirement.None),
            new("x", null, 5, 0, null, 3, 5, ProtectionRequirement.Interval),
            new("m", null, null, 0, null, null, null, ProtectionRequirement.None),
        ];

        var result = DisclosureAudit.Run(members, [new("total", ["total", "x", "m"], "total = x + m")], new ProtectionInterval());

        var x = Assert.Single(result.Ranges);
        Assert.Equal((0, 5), (x.Lower, x.Upper));
        Assert.True(result.Safe);
    }
}
