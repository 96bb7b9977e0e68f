namespace StriveNetwork.Domain.Assessments;

/// <summary>
/// How much of a partnership's assessment history is kept, so that the history stays bounded however often a client
/// records assessments (a partnership's state is one stored row, and every write rewrites it).
/// </summary>
/// <remarks>
/// Per benchmark, what is kept answers every question the rules ask, exactly:
/// <list type="bullet">
/// <item>Of several assessments on the same date only the one recorded last counts (<see cref="AssessmentHistory"/>
/// breaks ties by append order), so the others are dropped: nothing can observe them.</item>
/// <item>The latest <see cref="RecentPerBenchmark"/> dates are kept whole, so "the status as of" any date from the
/// earliest of them on is unchanged, and so is the current status.</item>
/// <item>Before those, only the last assessment of each calendar year is kept: the yearly replay and every
/// year-end evaluation read exactly that.</item>
/// </list>
/// A benchmark therefore keeps at most <see cref="RecentPerBenchmark"/> entries plus one per earlier year, and a
/// partnership at most that times the framework's benchmark count (dates are never before 1990).
/// </remarks>
public static class AssessmentRetention
{
    /// <summary>Assessments per benchmark kept whole, most recent dates first (the default).</summary>
    public const int RecentPerBenchmark = 20;

    /// <summary>
    /// The entries to keep, in their original (append) order. <paramref name="benchmarkId"/> and
    /// <paramref name="date"/> read an entry's benchmark and date; <paramref name="recentPerBenchmark"/> is the number
    /// of most recent dates kept whole per benchmark (at least 1).
    /// </summary>
    public static IReadOnlyList<T> Retain<T>(
        IReadOnlyList<T> entries, Func<T, string> benchmarkId, Func<T, DateOnly> date, int recentPerBenchmark = RecentPerBenchmark)
    {
        ArgumentNullException.ThrowIfNull(entries);
        ArgumentNullException.ThrowIfNull(benchmarkId);
        ArgumentNullException.ThrowIfNull(date);
        ArgumentOutOfRangeException.ThrowIfLessThan(recentPerBenchmark, 1);

        // The last-appended entry per (benchmark, date) is the only one any query can see.
        var lastOnDate = new Dictionary<(string Benchmark, DateOnly Date), int>();
        for (var i = 0; i < entries.Count; i++)
        {
            lastOnDate[(benchmarkId(entries[i]), date(entries[i]))] = i;
        }

        var keep = new HashSet<int>();
        foreach (var benchmark in lastOnDate.GroupBy(e => e.Key.Benchmark, StringComparer.Ordinal))
        {
            var byDate = benchmark.OrderByDescending(e => e.Key.Date).ToList();
            var recent = byDate.Take(recentPerBenchmark).ToList();
            keep.UnionWith(recent.Select(e => e.Value));

            // Older dates: the last of each year (the first met in descending date order).
            var cut = recent[^1].Key.Date;
            foreach (var year in byDate.Skip(recentPerBenchmark).GroupBy(e => e.Key.Date.Year))
            {
                if (year.Key != cut.Year)
                {
                    keep.Add(year.First().Value);
                }
            }
        }

        if (keep.Count == entries.Count)
        {
            return entries;
        }

        var kept = new List<T>(keep.Count);
        for (var i = 0; i < entries.Count; i++)
        {
            if (keep.Contains(i))
            {
                kept.Add(entries[i]);
            }
        }

        return kept;
    }
}
