using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>
/// Snapshot updates that reach a network shard while it is writing are counted together by its next write (one state
/// write and one delta per batch), each as if applied alone, and a delivery is acknowledged only once the write
/// holding its update is stored (ADR 0009).
/// </summary>
public sealed class ShardBatchTests
{
    private const string Apply = nameof(INetworkShardGrain.ApplyAsync);
    private const int Waiting = 7;

    /// <summary>The first partnership numbers (as in <see cref="NetworkShardTests.Snapshot"/>) that share one shard.</summary>
    private static (string Shard, int[] Numbers) SameShard(int count)
    {
        var shard = GrainKeys.NetworkShardKey(NetworkShardTests.Snapshot(0, 1).PartnershipId);
        var numbers = Enumerable.Range(0, 100_000)
            .Where(i => GrainKeys.NetworkShardKey(NetworkShardTests.Snapshot(i, 1).PartnershipId) == shard)
            .Take(count)
            .ToArray();
        return (shard, numbers);
    }

    /// <summary>Holds the shard's write of the first update; sends the others while it is held.</summary>
    private static async Task<(Task<SnapshotApplied> First, List<Task<SnapshotApplied>> Others, Action Release, int WritesBefore)> SendWhileWritingAsync(
        GrainCluster c, INetworkShardGrain shard, SnapshotUpdate first, IReadOnlyList<SnapshotUpdate> others)
    {
        var calls = c.DeliveryFaults.Calls(Apply);
        var (held, release) = c.StorageFaults.HoldNextWriteOf("network-shard");
        var firstCall = shard.ApplyAsync(first);
        await held.WaitAsync(TimeSpan.FromSeconds(30));
        var writesBefore = c.StorageFaults.Writes("network-shard");
        var rest = others.Select(u => shard.ApplyAsync(u)).ToList();
        await GrainCluster.EventuallyAsync(() => Task.FromResult(c.DeliveryFaults.Calls(Apply)), n => n >= calls + 1 + others.Count, "the updates reach the shard");
        return (firstCall, rest, release, writesBefore);
    }

    [Fact]
    public async Task Updates_arriving_during_a_write_are_counted_by_one_write_and_one_delta()
    {
        await using var c = await GrainCluster.StartAsync();
        var (key, numbers) = SameShard(Waiting + 1);
        var shard = c.Shard(key);
        var snapshots = numbers.Select(i => NetworkShardTests.Snapshot(i, 1)).ToList();

        // The waiting ones include the same update twice: counted once, whichever arrives first.
        List<SnapshotUpdate> others = [.. snapshots.Skip(1).Select(s => new SnapshotUpdate(null, s)), new SnapshotUpdate(null, snapshots[1])];
        var (first, rest, release, writesBefore) = await SendWhileWritingAsync(c, shard, new SnapshotUpdate(null, snapshots[0]), others);
        Assert.False(first.IsCompleted); // not acknowledged before its write is stored
        Assert.All(rest, t => Assert.False(t.IsCompleted));
        release();
        var firstResult = await first;
        var results = await Task.WhenAll(rest);

        // The held write (the first update) and one more for the ones that waited.
        Assert.Equal(writesBefore + 1, c.StorageFaults.Writes("network-shard"));
        Assert.True(firstResult.Applied);
        Assert.Equal(1, firstResult.Delta!.Sequence);
        Assert.Equal(Waiting, results.Count(r => r.Applied));
        Assert.All(results.Where(r => r.Applied), r => Assert.Equal(2, r.Delta!.Sequence)); // each caller gets the batch's delta
        var batchDelta = results.First(r => r.Applied).Delta!;
        Assert.Single(results, r => !r.Applied && r.Delta is null);

        // Exactly what counting each snapshot once gives, and the two deltas add up to it.
        var expected = RollupCounter.From(snapshots).Counts;
        var stored = (await c.ReadStoredAsync<NetworkShardState>("network-shard", shard))!;
        Assert.Equal(expected.OrderBy(x => x.Key, StringComparer.Ordinal), stored.Counts.OrderBy(x => x.Key, StringComparer.Ordinal));
        Assert.Equal(2, stored.Sequence);
        Assert.Equal(numbers.Length, stored.Members.Count);
        var summed = RollupCounter.FromCounts(firstResult.Delta.Changes);
        summed.Apply(batchDelta.Changes);
        Assert.Equal(expected.OrderBy(x => x.Key, StringComparer.Ordinal), summed.Counts.OrderBy(x => x.Key, StringComparer.Ordinal));

        // Redeliveries change nothing and write nothing.
        var writes = c.StorageFaults.Writes("network-shard");
        Assert.All(await Task.WhenAll(snapshots.Select(s => shard.ApplyAsync(new SnapshotUpdate(null, s)))), r => Assert.False(r.Applied));
        Assert.Equal(writes, c.StorageFaults.Writes("network-shard"));

        // The network receives both deltas through the shard's outbox.
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == numbers.Length, "the network counts the batch");
    }

    [Fact]
    public async Task A_failed_batch_write_fails_every_update_in_it_and_a_redelivery_counts_them()
    {
        await using var c = await GrainCluster.StartAsync();
        var (key, numbers) = SameShard(Waiting + 1);
        var shard = c.Shard(key);
        var updates = numbers.Select(i => new SnapshotUpdate(null, NetworkShardTests.Snapshot(i, 1))).ToList();

        var (first, rest, release, _) = await SendWhileWritingAsync(c, shard, updates[0], updates.Skip(1).ToList());
        c.StorageFaults.RefuseNextWritesOf("network-shard", times: 1); // the held write itself fails once released
        release();
        await Assert.ThrowsAnyAsync<Exception>(() => first);

        // The others waited for a write that the failed activation never made: each fails too (the partnership's outbox
        // retries it), rather than being acknowledged unstored.
        foreach (var t in rest)
        {
            await Assert.ThrowsAnyAsync<Exception>(() => t);
        }

        Assert.Empty((await c.ReadStoredAsync<NetworkShardState>("network-shard", shard))?.Members ?? new Dictionary<string, ShardMember>());

        // The redelivery counts all of them, once.
        Assert.All(await Task.WhenAll(updates.Select(u => shard.ApplyAsync(u))), r => Assert.True(r.Applied));
        var stored = (await c.ReadStoredAsync<NetworkShardState>("network-shard", shard))!;
        Assert.Equal(numbers.Length, stored.Members.Count);
        Assert.Equal(RollupCounter.From(updates.Select(u => u.Latest)).Counts.OrderBy(x => x.Key, StringComparer.Ordinal), stored.Counts.OrderBy(x => x.Key, StringComparer.Ordinal));
    }
}
