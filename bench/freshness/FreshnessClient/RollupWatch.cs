using System.Diagnostics;
using Grpc.Core;
using StriveNetwork.Gateway.V1;

namespace StriveNetwork.Bench.Freshness;

/// <summary>
/// One open WatchNetworkRollup stream whose messages are time-stamped as they are read and kept in arrival order.
/// The reader does nothing else (the counts are copied, the analysis runs after each round), so it keeps up with the
/// stream.
/// </summary>
public sealed class RollupWatch : IAsyncDisposable
{
    private readonly AsyncServerStreamingCall<WatchNetworkRollupResponse> _call;
    private readonly List<RollupSample> _samples = [];
    private readonly Lock _gate = new();
    private readonly Task _reader;
    private readonly CancellationTokenSource _stop = new();

    public RollupWatch(CallInvoker invoker, Metadata headers)
    {
        _call = new NetworkService.NetworkServiceClient(invoker).WatchNetworkRollup(new WatchNetworkRollupRequest(), headers, cancellationToken: _stop.Token);
        _reader = Task.Run(ReadAsync);
    }

    /// <summary>The stream failed (other than by our own cancellation).</summary>
    public Exception? Failure { get; private set; }

    public RollupSample? Latest
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count > 0 ? _samples[^1] : null;
            }
        }
    }

    /// <summary>Samples read since index <paramref name="from"/>.</summary>
    public RollupSample[] Since(int from)
    {
        lock (_gate)
        {
            return [.. _samples.Skip(from)];
        }
    }

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _samples.Count;
            }
        }
    }

    private async Task ReadAsync()
    {
        try
        {
            while (await _call.ResponseStream.MoveNext(_stop.Token).ConfigureAwait(false))
            {
                var sample = RollupSample.From(Stopwatch.GetTimestamp(), _call.ResponseStream.Current.Rollup);
                lock (_gate)
                {
                    _samples.Add(sample);
                }
            }

            Failure = new InvalidOperationException("the watch stream ended");
        }
        catch (RpcException e) when (e.StatusCode == StatusCode.Cancelled && _stop.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        catch (Exception e)
        {
            Failure = e;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync().ConfigureAwait(false);
        await _reader.ConfigureAwait(false);
        _call.Dispose();
        _stop.Dispose();
    }
}
