using StriveNetwork.Actors.Memory;
using StriveNetwork.Actors.Persistence;
using StriveNetwork.Domain.Frameworks;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Grains.Tests;

/// <summary>A write the storage refuses leaves nothing behind: not in memory, not in storage, not in the rollups.</summary>
public sealed class FailedWriteTests
{
    [Fact]
    public async Task FailedAssessmentWrite_ChangesNothingAndPublishesNothing()
    {
        var storage = new RefusingStorage();
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        var before = await c.Partnership("racine").GetProgressAsync();
        var etag = (await c.Partnership("racine").GetAsync()).Etag;
        var rollup = await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        storage.RefuseNextWriteOf("partnership");
        await Assert.ThrowsAsync<IOException>(() => c.Partnership("racine").RecordAssessmentAsync(Sample.ThroughSustaining()));

        var after = await c.Partnership("racine").GetProgressAsync();
        Assert.Equal(before.Gateway, after.Gateway);
        Assert.Equal(GatewayStage.Exploring, after.Gateway);
        Assert.Equal(etag, (await c.Partnership("racine").GetAsync()).Etag);

        // The same batch succeeds afterwards (the activation re-read storage) and only then reaches the network.
        await c.Partnership("racine").RecordAssessmentAsync(Sample.ThroughSustaining());
        Assert.Equal(GatewayStage.SystemsChange, (await c.Partnership("racine").GetProgressAsync()).Gateway);
        var moved = await GrainCluster.EventuallyAsync(
            () => c.Network.GetRollupAsync(), r => r.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count == 1, "the assessment reaches the network");
        Assert.Equal(0, moved.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.True(moved.Version > rollup.Version);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task FailedCohortCreate_LeavesNoCohort()
    {
        var storage = new RefusingStorage();
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());

        storage.RefuseNextWriteOf("cohort");
        await Assert.ThrowsAsync<IOException>(() => c.Cohort("early-reading").CreateAsync("Early reading", "", ["racine"]));

        await Assert.ThrowsAsync<NotFoundException>(() => c.Cohort("early-reading").GetAsync());
        Assert.False(await c.Cohort("early-reading").IsMemberAsync("racine"));
        var created = await c.Cohort("early-reading").CreateAsync("Early reading", "", ["racine"]);
        Assert.Equal(["racine"], created.MemberIds);
    }

    [Fact]
    public async Task FailedNetworkWrite_IsRetriedByTheStreamWithoutDoubleCounting()
    {
        var storage = new RefusingStorage();
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        storage.RefuseNextWriteOf("network");
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton"));

        // Redelivery waits a backoff on the cluster's clock: move it along while polling.
        var rollup = await GrainCluster.EventuallyAsync(
            () =>
            {
                c.Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
                return c.Network.GetRollupAsync();
            },
            r => r.PartnershipCount == 2,
            "the redelivered delta reaches the network");
        Assert.Equal(2, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.True(storage.Refused >= 1);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    [Fact]
    public async Task DeadLetteredDelta_IsRecoveredFromTheShardsAtTheNextDelta()
    {
        var storage = new RefusingStorage();
        await using var c = await GrainCluster.StartAsync(storage);
        await c.Partnership("racine").RegisterAsync(Sample.Profile());
        await GrainCluster.EventuallyAsync(() => c.Network.GetRollupAsync(), r => r.PartnershipCount == 1, "registration reaches the network");

        // Every delivery attempt of Dayton's delta fails: it ends in the dead letters and the rollup misses it.
        storage.RefuseNextWriteOf("network", times: 5);
        await c.Partnership("dayton").RegisterAsync(Sample.Profile("Dayton"));
        await GrainCluster.EventuallyAsync(
            () =>
            {
                c.Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(10));
                return c.Cluster.StreamLog.ReadDeadLettersAsync("network/network").AsTask();
            },
            letters => letters.Count == 1,
            "the delta is dead-lettered");
        Assert.Equal(1, (await c.Network.GetRollupAsync()).PartnershipCount);
        Assert.False((await c.Network.RecomputeAsync(apply: false)).Consistent);

        // Dayton's next delta arrives with a gap in its shard's sequence: the network takes every shard's counts.
        await c.Partnership("dayton").RecordAssessmentAsync(Sample.ThroughSustaining());
        var rollup = await GrainCluster.EventuallyAsync(
            () =>
            {
                c.Cluster.TimeProvider.Advance(TimeSpan.FromSeconds(1));
                return c.Network.GetRollupAsync();
            },
            r => r.PartnershipCount == 2,
            "the network resynchronises from the shards");
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.Exploring).Count);
        Assert.Equal(1, rollup.Gateways.Single(g => g.Gateway == GatewayStage.SystemsChange).Count);
        Assert.True((await c.Network.RecomputeAsync(apply: false)).Consistent);
    }

    /// <summary>Memory storage that throws on the next write of a grain type, as a full disk or lost connection would.</summary>
    private sealed class RefusingStorage : IGrainStorage, IStreamLog
    {
        private readonly MemoryGrainStorage _inner = new();
        private readonly Lock _gate = new();
        private string? _refuse;
        private int _remaining;

        public int Refused { get; private set; }

        public string Name => _inner.Name;

        public void RefuseNextWriteOf(string grainType, int times = 1)
        {
            lock (_gate)
            {
                (_refuse, _remaining) = (grainType, times);
            }
        }

        public ValueTask InitializeAsync(CancellationToken cancellationToken = default) => _inner.InitializeAsync(cancellationToken);

        public ValueTask<StoredGrainState?> ReadAsync(GrainStateKey key, CancellationToken cancellationToken = default) => _inner.ReadAsync(key, cancellationToken);

        public ValueTask<string> WriteAsync(GrainStateKey key, string json, int schemaVersion, string? expectedETag, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default)
        {
            lock (_gate)
            {
                if (_remaining > 0 && key.GrainType == _refuse)
                {
                    _remaining--;
                    Refused++;
                    throw new IOException($"refused write of {key} (test)");
                }
            }

            return _inner.WriteAsync(key, json, schemaVersion, expectedETag, events, cancellationToken);
        }

        public ValueTask<string> ClearAsync(GrainStateKey key, string? expectedETag, CancellationToken cancellationToken = default) => _inner.ClearAsync(key, expectedETag, cancellationToken);

        public ValueTask<IReadOnlyList<long>> AppendAsync(string producerType, string producerKey, IReadOnlyList<StreamEventDraft> events, CancellationToken cancellationToken = default) =>
            _inner.AppendAsync(producerType, producerKey, events, cancellationToken);

        public ValueTask<IReadOnlyList<StreamEventRecord>> ReadAsync(string streamNamespace, long afterPosition, int maxCount, CancellationToken cancellationToken = default) =>
            _inner.ReadAsync(streamNamespace, afterPosition, maxCount, cancellationToken);

        public ValueTask<long> GetCheckpointAsync(string subscription, CancellationToken cancellationToken = default) => _inner.GetCheckpointAsync(subscription, cancellationToken);

        public ValueTask SaveCheckpointAsync(string subscription, long position, CancellationToken cancellationToken = default) => _inner.SaveCheckpointAsync(subscription, position, cancellationToken);

        public ValueTask DeadLetterAsync(DeadLetterRecord deadLetter, CancellationToken cancellationToken = default) => _inner.DeadLetterAsync(deadLetter, cancellationToken);

        public ValueTask<IReadOnlyList<DeadLetterRecord>> ReadDeadLettersAsync(string subscription, CancellationToken cancellationToken = default) =>
            _inner.ReadDeadLettersAsync(subscription, cancellationToken);

        public ValueTask<long> GetHeadPositionAsync(CancellationToken cancellationToken = default) => _inner.GetHeadPositionAsync(cancellationToken);
    }
}
