using System.Collections.Concurrent;
using System.Threading.Channels;
using Grpc.Health.V1;

namespace StriveNetwork.Grpc.Health;

/// <summary>
/// Serving status per service name ("" = the whole server) for grpc.health.v1. The app updates it; Check reads
/// it and Watch streams its changes.
/// </summary>
public sealed class HealthStatusRegistry
{
    private readonly ConcurrentDictionary<string, HealthCheckResponse.Types.ServingStatus> _statuses = new(StringComparer.Ordinal);
    private readonly Lock _watchersLock = new();
    private readonly List<(string Service, ChannelWriter<HealthCheckResponse.Types.ServingStatus> Writer)> _watchers = [];

    /// <summary>Creates the registry with the overall server status set to SERVING.</summary>
    public HealthStatusRegistry() => SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);

    /// <summary>Sets the status of <paramref name="service"/> and notifies watchers.</summary>
    public void SetStatus(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        ArgumentNullException.ThrowIfNull(service);
        _statuses[service] = status;
        Notify(service, status);
    }

    /// <summary>Forgets <paramref name="service"/> (Check → NOT_FOUND; watchers see SERVICE_UNKNOWN).</summary>
    public void Clear(string service)
    {
        ArgumentNullException.ThrowIfNull(service);
        if (_statuses.TryRemove(service, out _))
        {
            Notify(service, HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
        }
    }

    /// <summary>The status of <paramref name="service"/>, or null if unknown.</summary>
    public HealthCheckResponse.Types.ServingStatus? GetStatus(string service) =>
        _statuses.TryGetValue(service, out var status) ? status : null;

    internal ChannelReader<HealthCheckResponse.Types.ServingStatus> Watch(string service, CancellationToken cancellationToken)
    {
        // Only the latest status matters to a watcher, so a slow reader drops stale ones.
        var channel = Channel.CreateBounded<HealthCheckResponse.Types.ServingStatus>(
            new BoundedChannelOptions(1) { FullMode = BoundedChannelFullMode.DropOldest, SingleReader = true });
        var entry = (service, channel.Writer);
        lock (_watchersLock)
        {
            _watchers.Add(entry);
            channel.Writer.TryWrite(GetStatus(service) ?? HealthCheckResponse.Types.ServingStatus.ServiceUnknown);
        }

        cancellationToken.Register(() =>
        {
            lock (_watchersLock)
            {
                _watchers.Remove(entry);
            }

            channel.Writer.TryComplete();
        });
        return channel.Reader;
    }

    private void Notify(string service, HealthCheckResponse.Types.ServingStatus status)
    {
        lock (_watchersLock)
        {
            foreach (var (watched, writer) in _watchers)
            {
                if (watched == service)
                {
                    writer.TryWrite(status);
                }
            }
        }
    }
}
