using System.Collections.Concurrent;
using System.Reflection;
using Grpc.Core;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StriveNetwork.Gateway.Watch;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The watch's grain observer on a fake network grain and a fake clock: newest-only delivery, renewal every
/// <see cref="NetworkWatch.RenewalInterval"/>, ending on a lost subscription, and clean-up on dispose.
/// </summary>
public sealed class NetworkRollupWatchTests
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly FakeTimeProvider _clock = new();
    private readonly FakeNetworkGrain _network = new();
    private readonly IGrainFactory _grains;

    public NetworkRollupWatchTests()
    {
        _grains = DispatchProxy.Create<IGrainFactory, FakeGrainFactory>();
        ((FakeGrainFactory)(object)_grains).Network = _network;
    }

    private FakeGrainFactory Factory => (FakeGrainFactory)(object)_grains;

    private static NetworkRollup Rollup(long version) =>
        new(version, DateTimeOffset.UnixEpoch, (int)version, [], [], [], [], GapChangeCounts.Zero, [], []);

    private Task<NetworkRollupWatch> StartAsync() =>
        NetworkRollupWatch.StartAsync(_grains, _clock, NullLogger.Instance, CancellationToken.None);

    [Fact]
    public async Task FirstTheCurrentRollup_ThenOnlyNewerOnes_AndASlowReaderGetsTheNewest()
    {
        _network.Current = Rollup(5);
        var watch = await StartAsync();
        await using var rollups = watch.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.Equal(5, (await NextAsync(rollups)).Version);

        // Out-of-order and repeated notifications are dropped; unread ones are replaced by newer ones.
        var observer = Assert.Single(_network.Subscriptions.Distinct());
        await observer.OnRollupChanged(Rollup(4));
        await observer.OnRollupChanged(Rollup(5));
        await observer.OnRollupChanged(Rollup(7));
        await observer.OnRollupChanged(Rollup(6));
        await observer.OnRollupChanged(Rollup(8));
        Assert.Equal(8, (await NextAsync(rollups)).Version);

        await observer.OnRollupChanged(Rollup(9));
        Assert.Equal(9, (await NextAsync(rollups)).Version);
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task RenewsEveryInterval_AndTheRenewalsRollupCatchesUp()
    {
        _network.Current = Rollup(1);
        var watch = await StartAsync();
        await using var rollups = watch.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.Equal(1, (await NextAsync(rollups)).Version);

        // A notification lost on the way: the renewal answers the current rollup, which the watch passes on.
        _network.Current = Rollup(3);
        _clock.Advance(NetworkWatch.RenewalInterval);
        Assert.Equal(3, (await NextAsync(rollups)).Version);
        Assert.Equal(2, _network.Subscriptions.Count);
        Assert.Single(_network.Subscriptions.Distinct());
        Assert.True(NetworkWatch.RenewalInterval < NetworkWatch.SubscriptionLifetime);
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task AFailedRenewal_EndsTheWatchWithUnavailable()
    {
        _network.Current = Rollup(1);
        var watch = await StartAsync();
        await using var rollups = watch.ReadAllAsync(CancellationToken.None).GetAsyncEnumerator();
        Assert.Equal(1, (await NextAsync(rollups)).Version);

        _network.SubscribeFailure = new TimeoutException("Response did not arrive on time");
        _clock.Advance(NetworkWatch.RenewalInterval);
        var ended = await Assert.ThrowsAsync<RpcException>(async () => await NextAsync(rollups));
        Assert.Equal(StatusCode.Unavailable, ended.StatusCode);
        await watch.DisposeAsync();
    }

    [Fact]
    public async Task Dispose_UnsubscribesAndDeletesTheObserverReference_AndStopsRenewing()
    {
        _network.Current = Rollup(1);
        var watch = await StartAsync();
        await watch.DisposeAsync();

        Assert.Equal(_network.Subscriptions.Single(), Assert.Single(_network.Unsubscriptions));
        Assert.Same(_network.Subscriptions.Single(), Assert.Single(Factory.Deleted)); // the reference it subscribed, not the watch
        _clock.Advance(NetworkWatch.RenewalInterval * 3);
        Assert.Single(_network.Subscriptions);
    }

    [Fact]
    public async Task AFailedSubscribe_DeletesTheObserverReference()
    {
        _network.SubscribeFailure = new InvalidOperationException("no network");
        await Assert.ThrowsAsync<InvalidOperationException>(StartAsync);
        Assert.Single(Factory.Deleted);
    }

    private static async Task<NetworkRollup> NextAsync(IAsyncEnumerator<NetworkRollup> rollups)
    {
        Assert.True(await rollups.MoveNextAsync().AsTask().WaitAsync(Wait), "the watch ended");
        return rollups.Current;
    }

    /// <summary>
    /// An <see cref="IGrainFactory"/> over one network grain. As in Orleans, an object reference is another object than
    /// the observer, and deleting anything but a reference it created throws.
    /// </summary>
    public class FakeGrainFactory : DispatchProxy
    {
        private readonly ConcurrentDictionary<object, bool> _references = new(ReferenceEqualityComparer.Instance);

        public INetworkGrain Network { get; set; } = null!;

        public ConcurrentQueue<object> Deleted { get; } = new();

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Name switch
        {
            nameof(IGrainFactory.GetGrain) when targetMethod.ReturnType == typeof(INetworkGrain) => Network,
            nameof(IGrainFactory.CreateObjectReference) => Reference((INetworkRollupObserver)args![0]!),
            nameof(IGrainFactory.DeleteObjectReference) => Delete(args![0]!),
            _ => throw new NotSupportedException(targetMethod.ToString()),
        };

        private INetworkRollupObserver Reference(INetworkRollupObserver observer)
        {
            var reference = DispatchProxy.Create<INetworkRollupObserver, ObserverReference>();
            ((ObserverReference)(object)reference).Target = observer;
            _references[reference] = true;
            return reference;
        }

        private object? Delete(object reference)
        {
            if (!_references.ContainsKey(reference))
            {
                throw new ArgumentException("Argument reference is not a grain reference.", nameof(reference));
            }

            Deleted.Enqueue(reference);
            return null;
        }
    }

    /// <summary>An object reference: forwards each call to the observer it stands for.</summary>
    public class ObserverReference : DispatchProxy
    {
        public INetworkRollupObserver Target { get; set; } = null!;

        protected override object? Invoke(MethodInfo? targetMethod, object?[]? args) => targetMethod!.Invoke(Target, args);
    }

    /// <summary>A network grain that answers subscriptions with <see cref="Current"/> and records them.</summary>
    private sealed class FakeNetworkGrain : INetworkGrain
    {
        public NetworkRollup Current { get; set; } = null!;

        public Exception? SubscribeFailure { get; set; }

        public ConcurrentQueue<INetworkRollupObserver> Subscriptions { get; } = new();

        public ConcurrentQueue<INetworkRollupObserver> Unsubscriptions { get; } = new();

        public Task<NetworkRollup> SubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default)
        {
            if (SubscribeFailure is { } failure)
            {
                return Task.FromException<NetworkRollup>(failure);
            }

            Subscriptions.Enqueue(observer);
            return Task.FromResult(Current);
        }

        public Task UnsubscribeAsync(INetworkRollupObserver observer, CancellationToken cancellationToken = default)
        {
            Unsubscriptions.Enqueue(observer);
            return Task.CompletedTask;
        }

        public Task<NetworkRollup> GetRollupAsync(CancellationToken cancellationToken = default) => Task.FromResult(Current);

        public Task ApplyDeltaAsync(ShardDelta delta, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<PartnershipPage> ListPartnershipsAsync(PartnershipFilter filter, int pageSize, string pageToken, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<RecomputeReport> RecomputeAsync(bool apply, RequestKey? request = null, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<bool> ApplySnapshotAsync(SnapshotUpdate update, CancellationToken cancellationToken = default) => throw new NotSupportedException();

        public Task<IReadOnlyList<string>> GetPartnershipIdsAsync(CancellationToken cancellationToken = default) => throw new NotSupportedException();
    }
}
