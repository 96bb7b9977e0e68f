using System.Globalization;
using Google.Protobuf;
using Grpc.Core;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Limits;

/// <summary>
/// The request stream of a client-streaming or duplex call, with the stream limits: each message within the field
/// limits, at most <see cref="GatewayLimits.MaxStreamMessages"/> messages and <see cref="GatewayLimits.MaxStreamBytes"/>
/// decompressed bytes (RESOURCE_EXHAUSTED), no wait for the next message longer than
/// <see cref="GatewayLimits.StreamIdleTimeout"/> and no stream older than <paramref name="lifetime"/>
/// (DEADLINE_EXCEEDED). Grpc.AspNetCore turns Kestrel's minimum request data rate off for these calls, so the idle
/// timeout is what ends a client that opens a stream and sends nothing. Each refusal is counted in
/// <see cref="GatewayMetrics"/> under the limit's name.
/// </summary>
internal sealed class LimitedStreamReader<T>(IAsyncStreamReader<T> inner, GatewayLimits limits, TimeSpan lifetime, string lifetimeName, TimeProvider time, GatewayMetrics metrics) : IAsyncStreamReader<T>
{
    private readonly long _started = time.GetTimestamp();
    private long _bytes;
    private int _messages;

    public T Current => inner.Current;

    public async Task<bool> MoveNext(CancellationToken cancellationToken)
    {
        var remaining = lifetime - time.GetElapsedTime(_started);
        if (remaining <= TimeSpan.Zero)
        {
            throw Lifetime();
        }

        var idle = remaining < limits.StreamIdleTimeout ? remaining : limits.StreamIdleTimeout;
        using var timer = new CancellationTokenSource(idle, time);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
        bool more;
        try
        {
            more = await inner.MoveNext(linked.Token).ConfigureAwait(false);
        }
        catch (Exception) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw idle < limits.StreamIdleTimeout ? Lifetime() : Idle();
        }

        if (!more)
        {
            return false;
        }

        if (++_messages > limits.MaxStreamMessages)
        {
            metrics.LimitRefused(nameof(GatewayLimits.MaxStreamMessages));
            throw GatewayErrors.Of(StatusCode.ResourceExhausted, string.Create(
                CultureInfo.InvariantCulture,
                $"a client stream carries at most {limits.MaxStreamMessages} messages (limit MaxStreamMessages)"));
        }

        if (inner.Current is IMessage message)
        {
            _bytes += message.CalculateSize();
            if (_bytes > limits.MaxStreamBytes)
            {
                metrics.LimitRefused(nameof(GatewayLimits.MaxStreamBytes));
                throw GatewayErrors.Of(StatusCode.ResourceExhausted, string.Create(
                    CultureInfo.InvariantCulture,
                    $"a client stream carries at most {limits.MaxStreamBytes} bytes (decompressed; limit MaxStreamBytes)"));
            }
        }

        RequestFieldValidator.Check(inner.Current);
        return true;
    }

    private RpcException Idle()
    {
        metrics.LimitRefused(nameof(GatewayLimits.StreamIdleTimeout));
        return GatewayErrors.Of(StatusCode.DeadlineExceeded, string.Create(
            CultureInfo.InvariantCulture,
            $"the client stream was idle for longer than {limits.StreamIdleTimeout.TotalSeconds:0.###} s (limit StreamIdleTimeout); send messages more often or half-close"));
    }

    private RpcException Lifetime()
    {
        metrics.LimitRefused(lifetimeName);
        return GatewayErrors.Of(StatusCode.DeadlineExceeded, string.Create(
            CultureInfo.InvariantCulture,
            $"the stream is older than {lifetime.TotalSeconds:0.###} s (limit {lifetimeName}); call again"));
    }
}
