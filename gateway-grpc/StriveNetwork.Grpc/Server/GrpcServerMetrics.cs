using System.Diagnostics.Metrics;

namespace StriveNetwork.Grpc.Server;

/// <summary>Meter "StriveNetwork.Grpc": calls started, calls finished by status, call duration.</summary>
public sealed class GrpcServerMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "StriveNetwork.Grpc";

    private readonly Counter<long> _started;
    private readonly Counter<long> _finished;
    private readonly Histogram<double> _duration;

    /// <summary>Creates the instruments on a meter from <paramref name="meterFactory"/>.</summary>
    public GrpcServerMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        _started = meter.CreateCounter<long>("grpc.server.calls.started", "{call}", "gRPC calls started");
        _finished = meter.CreateCounter<long>("grpc.server.calls.finished", "{call}", "gRPC calls finished, tagged by method and status");
        _duration = meter.CreateHistogram<double>("grpc.server.call.duration", "ms", "gRPC call duration");
    }

    internal void Started(string method)
    {
        if (_started.Enabled)
        {
            _started.Add(1, new KeyValuePair<string, object?>("grpc.method", method));
        }
    }

    internal void Finished(string method, StatusCode status, double elapsedMs)
    {
        if (_finished.Enabled)
        {
            _finished.Add(1, new KeyValuePair<string, object?>("grpc.method", method), new KeyValuePair<string, object?>("grpc.status", status.ToString()));
        }

        if (_duration.Enabled)
        {
            _duration.Record(elapsedMs, new KeyValuePair<string, object?>("grpc.method", method));
        }
    }
}
