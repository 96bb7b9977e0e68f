using System.Threading.Channels;
using Grpc.Core;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Watch;

/// <summary>
/// One live watch of the network rollup: a grain observer subscribed to the network grain, renewed every
/// <see cref="NetworkWatch.RenewalInterval"/>, that keeps only the newest rollup for its reader (a slow reader skips
/// versions, it never queues them). Disposing it unsubscribes and deletes the observer reference.
/// </summary>
internal sealed partial class NetworkRollupWatch : INetworkRollupObserver, IAsyncDisposable
{
    // Unsubscribing is a courtesy (the subscription lapses by itself): never hold a closing stream longer than this.
    private static readonly TimeSpan UnsubscribeTimeout = TimeSpan.FromSeconds(2);

    private readonly Channel<NetworkRollup> _rollups = Channel.CreateBounded<NetworkRollup>(
        new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });

    private readonly Lock _offerLock = new();
    private readonly CancellationTokenSource _stop = new();
    private readonly IGrainFactory _grains;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger _logger;
    private long _newestOffered = long.MinValue;
    private INetworkRollupObserver? _reference;
    private Task _renewals = Task.CompletedTask;

    private NetworkRollupWatch(IGrainFactory grains, TimeProvider timeProvider, ILogger logger)
    {
        _grains = grains;
        _timeProvider = timeProvider;
        _logger = logger;
    }

    private INetworkGrain Network => _grains.GetGrain<INetworkGrain>(GrainKeys.NetworkKey);

    /// <summary>Subscribes; the current rollup is the first one <see cref="ReadAllAsync"/> yields.</summary>
    public static async Task<NetworkRollupWatch> StartAsync(IGrainFactory grains, TimeProvider timeProvider, ILogger logger, CancellationToken cancellationToken)
    {
        var watch = new NetworkRollupWatch(grains, timeProvider, logger);
        watch._reference = grains.CreateObjectReference<INetworkRollupObserver>(watch);
        try
        {
            watch.Offer(await watch.Network.SubscribeAsync(watch._reference, cancellationToken).ConfigureAwait(false));
        }
        catch
        {
            grains.DeleteObjectReference<INetworkRollupObserver>(watch._reference); // Orleans takes the reference, not the object
            throw;
        }

        watch._renewals = watch.RenewAsync(watch._stop.Token);
        return watch;
    }

    /// <summary>The newest rollup each time one newer than the last is known; ends only by cancellation or a lost subscription.</summary>
    public IAsyncEnumerable<NetworkRollup> ReadAllAsync(CancellationToken cancellationToken) => _rollups.Reader.ReadAllAsync(cancellationToken);

    /// <inheritdoc />
    public Task OnRollupChanged(NetworkRollup rollup)
    {
        Offer(rollup);
        return Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _renewals.ConfigureAwait(false);
        try
        {
            using var timeout = new CancellationTokenSource(UnsubscribeTimeout, _timeProvider);
            await Network.UnsubscribeAsync(_reference!, timeout.Token).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            LogUnsubscribeFailed(_logger, exception.GetType().Name);
        }
        finally
        {
            _grains.DeleteObjectReference<INetworkRollupObserver>(_reference!); // the reference, not the object: Orleans refuses that
            _stop.Dispose();
        }
    }

    // Notifications are one-way messages and renewals answer with the current rollup too, so they can arrive out of
    // order: only a newer version replaces what the reader has not taken yet.
    private void Offer(NetworkRollup rollup)
    {
        lock (_offerLock)
        {
            if (rollup.Version <= _newestOffered)
            {
                return;
            }

            _newestOffered = rollup.Version;
            _rollups.Writer.TryWrite(rollup);
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        using var timer = new PeriodicTimer(NetworkWatch.RenewalInterval, _timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(cancellationToken).ConfigureAwait(false))
            {
                // Subscribing again extends the lifetime, re-subscribes after the grain moved or restarted, and
                // answers the current rollup, which covers any notification lost on the way.
                Offer(await Network.SubscribeAsync(_reference!, cancellationToken).ConfigureAwait(false));
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            // Without renewals the subscription lapses and the watcher would wait forever: end the stream so that
            // the client calls again (UNAVAILABLE is its cue to reconnect).
            LogRenewalFailed(_logger, exception.GetType().Name, exception);
            _rollups.Writer.TryComplete(GatewayErrors.Of(StatusCode.Unavailable, "the rollup watch lost its subscription; call again"));
        }
    }

    [LoggerMessage(EventId = 6040, EventName = "WatchRenewalFailed", Level = LogLevel.Warning, Message = "Renewing a network rollup watch failed ({ExceptionType}); ending the stream with UNAVAILABLE")]
    private static partial void LogRenewalFailed(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 6041, EventName = "WatchUnsubscribeFailed", Level = LogLevel.Debug, Message = "Unsubscribing a network rollup watch failed ({ExceptionType}); the subscription lapses by itself")]
    private static partial void LogUnsubscribeFailed(ILogger logger, string exceptionType);
}
