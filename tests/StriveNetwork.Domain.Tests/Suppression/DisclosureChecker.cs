using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Suppression;

namespace StriveNetwork.Domain.Tests.Suppression;

/// <summary>
/// Independent check that a suppressed table cannot be undone by subtraction. It rebuilds the linear relations from
/// the CIA-2024 codes (not from the suppressor) and looks only at what the published cells show:
/// <list type="bullet">
/// <item>per population: All = Female + Male;</item>
/// <item>per gender: All Students = sum of the nine race groups (they are taken as a partition of All Students:
/// the CIA set is exhaustive, with Multi-Racial and Other Race; if real data has unknown race, subtraction is
/// still near-exact, so protecting it is the safe reading);</item>
/// <item>per gender and subset: All Students = subset + complement. Low Income and ELL are subsets, not parts of a
/// partition with the races; their complement is never published but is derivable, so when it is small it must
/// stay hidden.</item>
/// </list>
/// Quantities (numerator, denominator) are checked separately: a coded cell publishes its denominator only.
/// </summary>
internal static class DisclosureChecker
{
    private static readonly string[] Genders = ["all", "female", "male"];
    private static readonly string[] Races = ["aian", "asian", "black", "hispanic", "mena", "nhpi", "white", "multiracial", "other-race"];
    private static readonly string[] Subsets = ["low-income", "ell"];
    private static readonly string[] Populations = ["all", .. Races, .. Subsets];

    /// <summary>Returns a description of every relation with exactly one unpublished, protected member.</summary>
    public static List<string> SingleRelationLeaks(SuppressedTable table, IReadOnlyDictionary<CellKey, Observation> raw, SuppressionOptions options)
    {
        var leaks = new List<string>();
        foreach (var (name, members) in Relations())
        {
            foreach (var quantity in new[] { "N", "D" })
            {
                var hidden = members.Where(m => !Publishes(table, m, quantity)).ToList();
                if (hidden.Count == 1 && IsProtected(table, raw, options, hidden[0], quantity))
                {
                    leaks.Add($"{quantity} of {hidden[0]} recoverable from {name}");
                }
            }
        }

        return leaks;
    }

    /// <summary>
    /// Stronger check: solves the whole linear system (all relations at once) and returns every protected member
    /// whose value is uniquely determined by the published values.
    /// </summary>
    public static List<string> LinearLeaks(SuppressedTable table, IReadOnlyDictionary<CellKey, Observation> raw, SuppressionOptions options)
    {
        var leaks = new List<string>();
        var relations = Relations().ToList();
        foreach (var quantity in new[] { "N", "D" })
        {
            var unknowns = relations.SelectMany(r => r.Members).Distinct().Where(m => !Publishes(table, m, quantity)).ToList();
            var index = unknowns.Select((u, i) => (u, i)).ToDictionary(x => x.u, x => x.i);
            var rows = relations.Select(r =>
            {
                var row = new double[unknowns.Count];
                for (var k = 0; k < r.Members.Count; k++)
                {
                    if (index.TryGetValue(r.Members[k], out var col))
                    {
                        row[col] += k == 0 ? 1 : -1; // member 0 is the total
                    }
                }

                return row;
            }).ToList();
            foreach (var determined in Determined(rows, unknowns.Count))
            {
                if (IsProtected(table, raw, options, unknowns[determined], quantity))
                {
                    leaks.Add($"{quantity} of {unknowns[determined]} determined by the published values");
                }
            }
        }

        return leaks;
    }

    private static IEnumerable<(string Name, IReadOnlyList<string> Members)> Relations()
    {
        foreach (var p in Populations)
        {
            yield return ($"gender split of {p}", [$"all/{p}", $"female/{p}", $"male/{p}"]);
        }

        foreach (var g in Genders)
        {
            yield return ($"race split of {g}", [$"{g}/all", .. Races.Select(r => $"{g}/{r}")]);
            foreach (var s in Subsets)
            {
                yield return ($"{s} complement of {g}", [$"{g}/all", $"{g}/{s}", $"{g}/not-{s}"]);
            }
        }

        foreach (var s in Subsets)
        {
            yield return ($"gender split of not-{s}", [$"all/not-{s}", $"female/not-{s}", $"male/not-{s}"]);
        }
    }

    private static bool Publishes(SuppressedTable table, string member, string quantity)
    {
        if (member.Contains("/not-", StringComparison.Ordinal))
        {
            return false;
        }

        var cell = table.Cells[Key(member)];
        return quantity == "N"
            ? cell.Status == CellStatus.Shown && cell.Numerator is not null
            : cell.Status is CellStatus.Shown or CellStatus.Coded && cell.Denominator is not null;
    }

    private static bool IsProtected(SuppressedTable table, IReadOnlyDictionary<CellKey, Observation> raw, SuppressionOptions options, string member, string quantity)
    {
        if (member.Contains("/not-", StringComparison.Ordinal))
        {
            var parts = member.Split("/not-");
            var all = raw.GetValueOrDefault(new CellKey(parts[0], "all"));
            var subset = raw.GetValueOrDefault(new CellKey(parts[0], parts[1]));
            if (all is not { HasCounts: true, SuppressedAtSource: false } || subset is not { HasCounts: true, SuppressedAtSource: false })
            {
                return false;
            }

            var d = all.Denominator!.Value - subset.Denominator!.Value;
            var n = all.Numerator!.Value - subset.Numerator!.Value;
            return d < options.MinimumN || n < options.MinimumOutcomeCount || d - n < options.MinimumOutcomeCount;
        }

        var cell = table.Cells[Key(member)];
        return cell.Status switch
        {
            CellStatus.Suppressed => true,
            CellStatus.Missing => options.TreatMissingCellsAsSensitive,
            CellStatus.Coded => quantity == "N",
            _ => false,
        };
    }

    /// <summary>Columns whose unit vector lies in the row space (the variable is fixed by the equations).</summary>
    private static IEnumerable<int> Determined(List<double[]> rows, int columns)
    {
        var m = rows.Select(r => (double[])r.Clone()).ToList();
        var pivotRow = 0;
        var pivots = new List<(int Row, int Col)>();
        for (var col = 0; col < columns && pivotRow < m.Count; col++)
        {
            var best = Enumerable.Range(pivotRow, m.Count - pivotRow).MaxBy(r => Math.Abs(m[r][col]));
            if (Math.Abs(m[best][col]) < 1e-9)
            {
                continue;
            }

            (m[pivotRow], m[best]) = (m[best], m[pivotRow]);
            var scale = m[pivotRow][col];
            for (var c = 0; c < columns; c++)
            {
                m[pivotRow][c] /= scale;
            }

            for (var r = 0; r < m.Count; r++)
            {
                if (r != pivotRow && Math.Abs(m[r][col]) > 1e-12)
                {
                    var factor = m[r][col];
                    for (var c = 0; c < columns; c++)
                    {
                        m[r][c] -= factor * m[pivotRow][c];
                    }
                }
            }

            pivots.Add((pivotRow, col));
            pivotRow++;
        }

        // In reduced row echelon form, e_col is in the row space exactly when its pivot row has no other non-zero.
        foreach (var (row, col) in pivots)
        {
            if (Enumerable.Range(0, columns).All(c => c == col || Math.Abs(m[row][c]) < 1e-9))
            {
                yield return col;
            }
        }
    }

    private static CellKey Key(string member)
    {
        var slash = member.IndexOf('/', StringComparison.Ordinal);
        return new CellKey(member[..slash], member[(slash + 1)..]);
    }
}
