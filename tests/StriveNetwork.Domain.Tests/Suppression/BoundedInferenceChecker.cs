using Google.OrTools.Sat;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Suppression;

/// <summary>
/// An independent bounded-inference check, written apart from the suppressor's audit: it builds its own integer
/// program from the CIA-2024 codes with CP-SAT (not the GLOP-first audit of the domain) and computes, for every
/// hidden value, the exact range of numerators a reader can still believe. The reader knows what the table
/// publishes (shown counts, coded ranges with their denominators), every relation (gender splits, race partition,
/// All Students = Low Income / ELL + complement, the complements' gender splits), that counts are integers in
/// [0, denominator], and (worst case) the true denominator of every cell with counts. Cells without counts (not
/// reported, suppressed at source) are unknowns that may be zero.
/// </summary>
internal static class BoundedInferenceChecker
{
    private static readonly string[] Genders = ["all", "female", "male"];
    private static readonly string[] Races = ["aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race"];
    private static readonly string[] Subsets = ["low-income", "ell"];

    /// <summary>A hidden value's exact numerator range and whether it meets what the options require.</summary>
    public sealed record Range(string Member, long Low, long High, long? Denominator, string Rule, bool Ok);

    /// <summary>
    /// Ranges of every protected value. Rules: a cell that fails the primary rule and a complement that fails it must
    /// keep a rate range of at least the protection interval and never be pinned to 0 % or 100 %; every other hidden
    /// value (complementary and coded cells, cells without counts) must not be fixed to one numerator.
    /// </summary>
    /// <param name="alsoKnown">Numerators the reader knows from elsewhere (e.g. an earlier release).</param>
    public static List<Range> Check(
        SuppressedTable table,
        IReadOnlyDictionary<CellKey, Observation> raw,
        SuppressionOptions options,
        IReadOnlyDictionary<string, long>? alsoKnown = null)
    {
        var values = new Dictionary<string, (long N, long D)?>();
        foreach (var g in Genders)
        {
            foreach (var p in Races.Concat(Subsets).Append("all"))
            {
                var o = raw.GetValueOrDefault(new CellKey(g, p));
                values[$"{g}/{p}"] = o is { SuppressedAtSource: false, HasCounts: true } ? (o.Numerator!.Value, o.Denominator!.Value) : null;
            }

            foreach (var s in Subsets)
            {
                var all = values[$"{g}/all"];
                var part = values[$"{g}/{s}"];
                values[$"{g}/not-{s}"] = all is { } a && part is { } b && a.N - b.N is var cn and >= 0 && a.D - b.D is var cd and >= 0 && cn <= cd
                    ? (cn, cd)
                    : null;
            }
        }

        var cap = 4 * Math.Max(1, values.Values.Where(v => v is not null).Sum(v => v!.Value.D));
        var model = new CpModel();
        var n = new Dictionary<string, LinearExpr>();
        var d = new Dictionary<string, LinearExpr>();
        var unknownN = new Dictionary<string, IntVar>();
        var unknownD = new Dictionary<string, IntVar>();
        foreach (var (member, value) in values)
        {
            var cell = member.Contains("/not-", StringComparison.Ordinal) ? null : table.Cells[Key(member)];
            if (value is { } v)
            {
                d[member] = LinearExpr.Constant(v.D);
            }
            else
            {
                unknownD[member] = model.NewIntVar(0, cap, "D " + member);
                d[member] = unknownD[member];
            }

            if (cell is { Status: CellStatus.Shown, Numerator: { } shown })
            {
                n[member] = LinearExpr.Constant(shown);
                continue;
            }

            if (alsoKnown is not null && alsoKnown.TryGetValue(member, out var known))
            {
                n[member] = LinearExpr.Constant(known);
                continue;
            }

            var (low, high) = (0L, value?.D ?? cap);
            if (cell is { Status: CellStatus.Coded } && value is { } c)
            {
                var threshold = decimal.Parse(cell.Display.Trim('>', '<', '%'), System.Globalization.CultureInfo.InvariantCulture);
                (low, high) = cell.Display.StartsWith('>')
                    ? ((long)Math.Floor(threshold * c.D / 100m) + 1, c.D)
                    : (0, (long)Math.Ceiling(threshold * c.D / 100m) - 1);
            }

            unknownN[member] = model.NewIntVar(low, high, "N " + member);
            n[member] = unknownN[member];
            if (value is null)
            {
                model.Add(unknownN[member] <= unknownD[member]);
            }
        }

        foreach (var members in Relations())
        {
            model.Add(n[members[0]] == LinearExpr.Sum(members.Skip(1).Select(m => n[m])));
            model.Add(d[members[0]] == LinearExpr.Sum(members.Skip(1).Select(m => d[m])));
        }

        var ranges = new List<Range>();
        foreach (var (member, variable) in unknownN)
        {
            var value = values[member];
            var isComplement = member.Contains("/not-", StringComparison.Ordinal);
            var cell = isComplement ? null : table.Cells[Key(member)];
            string rule;
            if (value is { } v && Primary(v.N, v.D, options))
            {
                rule = "interval";
            }
            else if (isComplement || cell!.Status == CellStatus.Shown || (cell.Status == CellStatus.Missing && !options.TreatMissingCellsAsSensitive))
            {
                continue; // a large complement, or a rate-only shown cell: nothing to protect
            }
            else
            {
                rule = "not determined";
            }

            var low = Solve(model, variable, maximize: false);
            var high = Solve(model, variable, maximize: true);
            bool ok;
            if (value is { } known)
            {
                ok = known.D == 0 || (rule == "interval"
                    ? high > low && low < known.D && high > 0 && 100m * (high - low) >= (decimal)options.Protection.MinimumRangePercentagePoints * known.D
                    : high > low);
            }
            else
            {
                ok = high > low || (high == 0 && Solve(model, unknownD[member], maximize: true) == 0);
            }

            ranges.Add(new Range(member, low, high, value?.D, rule, ok));
        }

        return ranges;
    }

    /// <summary>The primary rule, restated from the options: too few students, too few on one side, or a coded range that admits one count.</summary>
    public static bool Primary(long n, long d, SuppressionOptions options)
    {
        if (d < options.MinimumN || n < options.MinimumOutcomeCount || d - n < options.MinimumOutcomeCount)
        {
            return true;
        }

        var top = options.TopCodeAbove is { } t && 100m * n > (decimal)t * d && d - (long)Math.Floor((decimal)t * d / 100m) < 2;
        var bottom = options.BottomCodeBelow is { } b && 100m * n < (decimal)b * d && (long)Math.Ceiling((decimal)b * d / 100m) < 2;
        return top || bottom;
    }

    private static long Solve(CpModel model, IntVar variable, bool maximize)
    {
        if (maximize)
        {
            model.Maximize(variable);
        }
        else
        {
            model.Minimize(variable);
        }

        var solver = new CpSolver { StringParameters = "num_workers:1" };
        var status = solver.Solve(model);
        Assert.Equal(CpSolverStatus.Optimal, status);
        return (long)solver.ObjectiveValue;
    }

    private static IEnumerable<string[]> Relations()
    {
        foreach (var p in Races.Concat(Subsets).Append("all").Concat(Subsets.Select(s => "not-" + s)))
        {
            yield return [$"all/{p}", $"female/{p}", $"male/{p}"];
        }

        foreach (var g in Genders)
        {
            yield return [$"{g}/all", .. Races.Select(r => $"{g}/{r}")];
            foreach (var s in Subsets)
            {
                yield return [$"{g}/all", $"{g}/{s}", $"{g}/not-{s}"];
            }
        }
    }

    private static CellKey Key(string member)
    {
        var slash = member.IndexOf('/', StringComparison.Ordinal);
        return new CellKey(member[..slash], member[(slash + 1)..]);
    }
}
