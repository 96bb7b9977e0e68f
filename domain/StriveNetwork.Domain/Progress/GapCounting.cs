using System.Collections.Immutable;
using StriveNetwork.Domain.Indicators;

namespace StriveNetwork.Domain.Progress;

/// <summary>Gap counts by change (one disparity = one indicator × focal group).</summary>
public sealed record GapCounts(int Reduced, int Eliminated, int Unchanged, int Widened, int InsufficientData)
{
    /// <summary>All zero.</summary>
    public static GapCounts Zero { get; } = new(0, 0, 0, 0, 0);

    /// <summary>Every disparity counted.</summary>
    public int Total => Reduced + Eliminated + Unchanged + Widened + InsufficientData;

    /// <summary>Adds one disparity with the given change.</summary>
    public GapCounts Add(GapChange change) => change switch
    {
        GapChange.Reduced => this with { Reduced = Reduced + 1 },
        GapChange.Eliminated => this with { Eliminated = Eliminated + 1 },
        GapChange.Unchanged => this with { Unchanged = Unchanged + 1 },
        GapChange.Widened => this with { Widened = Widened + 1 },
        _ => this with { InsufficientData = InsufficientData + 1 },
    };

    /// <summary>Sum of two counts.</summary>
    public GapCounts Plus(GapCounts other)
    {
        ArgumentNullException.ThrowIfNull(other);
        return new(Reduced + other.Reduced, Eliminated + other.Eliminated, Unchanged + other.Unchanged,
            Widened + other.Widened, InsufficientData + other.InsufficientData);
    }
}

/// <summary>One disparity (indicator × focal group) with the change it counts as and the definitions behind it.</summary>
public sealed record CountedDisparity(string IndicatorId, string FocalGroup, Outcome Outcome, GapChange Change, ImmutableArray<string> GapIds)
{
    /// <summary>The id designation results list: <c>{indicator}/{focal group}</c>.</summary>
    public string Id => $"{IndicatorId}/{FocalGroup}";
}

/// <summary>
/// The one place gaps are counted, for designations, progress, cohort and network rollups alike. A disparity is
/// one focal group of one indicator: two reference definitions for the same focal group (e.g. Black vs White and
/// Black vs All Students) are one disparity, not two. Its change is the least favourable change among its
/// definitions with sufficient data (Widened, then Unchanged, then Reduced, then Eliminated), so it counts as
/// reduced or eliminated only when every definition that can be judged agrees; insufficient data only when none can.
/// </summary>
public static class GapCounting
{
    /// <summary>Combines the changes of the definitions of one disparity.</summary>
    public static GapChange Combine(IEnumerable<GapChange> changes)
    {
        ArgumentNullException.ThrowIfNull(changes);
        var judged = changes.Where(c => c != GapChange.InsufficientData).ToList();
        return judged.Count == 0 ? GapChange.InsufficientData : judged.MinBy(Rank);
    }

    /// <summary>The disparities of a list of gap definitions, in first-seen order.</summary>
    public static ImmutableArray<CountedDisparity> Disparities(IEnumerable<GapEvidence> gaps)
    {
        ArgumentNullException.ThrowIfNull(gaps);
        return [.. gaps
            .GroupBy(g => (g.IndicatorId, g.DisparityKey))
            .Select(g => new CountedDisparity(
                g.Key.IndicatorId,
                g.Key.DisparityKey,
                g.First().Outcome,
                Combine(g.Select(x => x.Change)),
                [.. g.Select(x => x.GapId).Distinct(StringComparer.Ordinal)]))];
    }

    /// <summary>Disparities by change.</summary>
    public static GapCounts Count(IEnumerable<GapEvidence> gaps) =>
        Disparities(gaps).Aggregate(GapCounts.Zero, (counts, d) => counts.Add(d.Change));

    private static int Rank(GapChange change) => change switch
    {
        GapChange.Widened => 0,
        GapChange.Unchanged => 1,
        GapChange.Reduced => 2,
        _ => 3,
    };
}
