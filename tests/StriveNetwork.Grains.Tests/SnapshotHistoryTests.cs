using System.Text.Json;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Domain.Indicators;
using StriveNetwork.Domain.Progress;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// A partnership builds each snapshot's history from the last one, taking the years no changed indicator moves
/// (<see cref="SnapshotHistory"/>), and the network counts leave those shared years out (<see cref="RollupCounter.Change"/>).
/// Both must give what a build from nothing gives.
/// </summary>
public sealed class SnapshotHistoryTests
{
    private static readonly (string Id, Outcome Outcome, IndicatorRole Role)[] Indicators =
    [
        ("jobs", Outcome.Employment, IndicatorRole.Contributing),
        ("math", Outcome.MiddleGradeMath, IndicatorRole.Core),
        ("reading-a", Outcome.EarlyGradeReading, IndicatorRole.Core),
        ("reading-b", Outcome.EarlyGradeReading, IndicatorRole.Core),
    ];

    private static readonly TrendDirection[] Directions = Enum.GetValues<TrendDirection>();
    private static readonly GapChange[] GapChanges = Enum.GetValues<GapChange>();

    [Fact]
    public void EveryBuild_EqualsABuildFromNothing_AndItsCountChangeEqualsTheChangeBetweenUnsharedSnapshots()
    {
        var replay = Enumerable.Range(2019, 7).Select(y => new PartnershipYearStatus(y, GatewayStage.Sustaining, [], [], GapCounts.Zero)).ToList();
        var random = new Random(20261202);
        var statuses = Indicators.Select((_, i) => Status(i, random)).ToList();
        var history = new SnapshotHistory();
        var before = Snapshot(history.Build(replay, statuses));
        var (reused, rebuilt) = (0, 0);
        for (var step = 0; step < 300; step++)
        {
            // Mostly one indicator changes, as writes arrive; sometimes one is the same object again (nothing changed).
            statuses = [.. statuses];
            var i = random.Next(statuses.Count);
            statuses[i] = random.Next(10) == 0 ? statuses[i] : Status(i, random);
            var after = Snapshot(history.Build(replay, statuses));

            var fresh = Snapshot([.. replay.Select(y => SnapshotHistory.Year(y, statuses))]);
            Assert.Equal(JsonSerializer.Serialize(fresh), JsonSerializer.Serialize(after));
            Assert.Equal(
                RollupCounter.Change(Unshared(before), Unshared(after)).OrderBy(c => c.Key, StringComparer.Ordinal),
                RollupCounter.Change(before, after).OrderBy(c => c.Key, StringComparer.Ordinal));

            var shared = after.History.Count(y => before.History.Contains(y, ReferenceEqualityComparer.Instance));
            reused += shared;
            rebuilt += after.History.Count - shared;
            before = after;
        }

        // Both paths ran: years taken from the last build and years built again.
        Assert.True(reused > 300, $"{reused} years reused");
        Assert.True(rebuilt > 300, $"{rebuilt} years rebuilt");
    }

    [Fact]
    public void AnotherReplayOrSetOfIndicators_BuildsEveryYearAgain()
    {
        var replay = Enumerable.Range(2020, 3).Select(y => new PartnershipYearStatus(y, GatewayStage.Emerging, [], [], GapCounts.Zero)).ToList();
        var random = new Random(7);
        var statuses = Indicators.Select((_, i) => Status(i, random)).ToList();
        var history = new SnapshotHistory();
        var first = history.Build(replay, statuses);

        Assert.Equal(first, history.Build(replay, [.. statuses]), ReferenceEqualityComparer.Instance);
        var again = history.Build([.. replay], statuses);
        Assert.DoesNotContain(again, y => first.Contains(y, ReferenceEqualityComparer.Instance));
        var fewer = history.Build(replay, statuses.Take(3).ToList());
        Assert.DoesNotContain(fewer, y => again.Contains(y, ReferenceEqualityComparer.Instance));
    }

    // An indicator's status with a random subset of years, random trends and (for two of them) one gap.
    private static IndicatorStatus Status(int index, Random random)
    {
        var (id, outcome, role) = Indicators[index];
        var gapIds = index % 2 == 0 ? new[] { "female-black" } : [];
        var years = Enumerable.Range(2019, 6).Where(_ => random.Next(3) > 0)
            .Select(y => new IndicatorYearStatus(y, Directions[random.Next(Directions.Length)],
                [.. gapIds.Select(g => new GapStatus(g, "female/black", GapChanges[random.Next(GapChanges.Length)]))]))
            .ToList();
        var latest = years.Count > 0 ? years[^1] : null;
        return new IndicatorStatus(id, outcome, role, latest?.Trend ?? TrendDirection.InsufficientData,
            latest?.Gaps ?? [.. gapIds.Select(g => new GapStatus(g, "female/black", GapChange.InsufficientData))], years);
    }

    private static PartnershipSnapshot Snapshot(IReadOnlyList<YearStatus> history) =>
        new("p", 1, "P", "OH", "toa-6g", GatewayStage.Sustaining, [], [], [], [], history, []);

    // The same snapshot with every year a new object (as a build from nothing gives).
    private static PartnershipSnapshot Unshared(PartnershipSnapshot s) => s with { History = [.. s.History.Select(y => y with { })] };
}
