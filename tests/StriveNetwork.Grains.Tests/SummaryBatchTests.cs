using StriveNetwork.Domain.Indicators;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Indicator summaries that reach a partnership while it is writing are applied together by its next write (one state
/// write per batch), and a delivery is acknowledged only once the write holding its summary is stored (ADR 0009).
/// </summary>
public sealed class SummaryBatchTests
{
    private const string Apply = nameof(IPartnershipGrain.ApplyIndicatorSummaryAsync);
    private const int Waiting = 7;

    private static IndicatorSummary Summary(string partnershipId, int indicator, long sequence, TrendDirection trend = TrendDirection.Improved) =>
        new(partnershipId, $"ind-{indicator}", sequence, Outcome.EarlyGradeReading, IndicatorRole.Core, trend, [], [], []);

    /// <summary>Holds the partnership's write of the first summary; sends <see cref="Waiting"/> more while it is held.</summary>
    private static async Task<(Task First, List<Task> Others, Action Release, int WritesBefore)> SendWhileWritingAsync(GrainCluster c, IPartnershipGrain partnership, string id)
    {
        var calls = c.DeliveryFaults.Calls(Apply);
        var (held, release) = c.StorageFaults.HoldNextWriteOf("partnership");
        var first = partnership.ApplyIndicatorSummaryAsync(Summary(id, 0, 1));
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        var writesBefore = c.StorageFaults.Writes("partnership");
        var rest = Enumerable.Range(1, Waiting).Select(i => partnership.ApplyIndicatorSummaryAsync(Summary(id, i, 1))).ToList();

        // Every call has reached the partnership (interleaving: each is running, waiting for its batch's write).
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Calls(Apply)), n => n >= calls + 1 + Waiting, "the summaries reach the partnership");
        return (first, rest, release, writesBefore);
    }

    [Fact]
    public async Task Summaries_arriving_during_a_write_are_applied_by_one_write()
    {
        await using var c = await GrainCluster.StartAsync();
        const string id = "racine";
        var partnership = c.Partnership(id);
        await partnership.RegisterAsync(Sample.Profile());

        var (first, rest, release, writesBefore) = await SendWhileWritingAsync(c, partnership, id);
        Assert.False(first.IsCompleted); // not acknowledged before its write is stored
        Assert.All(rest, t => Assert.False(t.IsCompleted));
        release();
        await first;
        await Task.WhenAll(rest);

        // The held write (the first summary) and one more for the seven that waited.
        Assert.Equal(writesBefore + 1, c.StorageFaults.Writes("partnership"));
        var stored = (await c.ReadStoredAsync<PartnershipState>("partnership", partnership))!;
        Assert.Equal(Enumerable.Range(0, Waiting + 1).Select(i => $"ind-{i}").Order(StringComparer.Ordinal), stored.Indicators.Keys.Order(StringComparer.Ordinal));
        Assert.Equal(Waiting + 1, (await partnership.GetIndicatorIdsAsync()).Count);

        // Redeliveries and older summaries change nothing and write nothing.
        var writes = c.StorageFaults.Writes("partnership");
        await Task.WhenAll(Enumerable.Range(0, Waiting + 1).Select(i => partnership.ApplyIndicatorSummaryAsync(Summary(id, i, 1, TrendDirection.Worsened))));
        Assert.Equal(writes, c.StorageFaults.Writes("partnership"));
        Assert.All((await c.ReadStoredAsync<PartnershipState>("partnership", partnership))!.Indicators.Values, s => Assert.Equal(TrendDirection.Improved, s.Trend));

        var report = await Flows.SettledAsync(c);
        Assert.Equal(1, report.PartnershipCount);
    }

    [Fact]
    public async Task A_failed_batch_write_fails_every_summary_in_it_and_a_redelivery_applies_them()
    {
        await using var c = await GrainCluster.StartAsync();
        const string id = "racine";
        var partnership = c.Partnership(id);
        await partnership.RegisterAsync(Sample.Profile());

        var (first, rest, release, _) = await SendWhileWritingAsync(c, partnership, id);
        c.StorageFaults.RefuseNextWritesOf("partnership", times: 1); // the held write itself fails once released
        release();
        await Assert.ThrowsAnyAsync<Exception>(() => first);

        // The seven waited for a write that the failed activation never made: each fails too (the outbox retries it),
        // rather than being acknowledged unstored.
        foreach (var t in rest)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => t);
        }

        Assert.Empty((await c.ReadStoredAsync<PartnershipState>("partnership", partnership))!.Indicators);

        // The redelivery (what each indicator's outbox does next) applies all of them.
        await Task.WhenAll(Enumerable.Range(0, Waiting + 1).Select(i => partnership.ApplyIndicatorSummaryAsync(Summary(id, i, 1))));
        Assert.Equal(Waiting + 1, (await c.ReadStoredAsync<PartnershipState>("partnership", partnership))!.Indicators.Count);
    }
}
