using System.Diagnostics.Metrics;

namespace StriveNetwork.Actors;

/// <summary>Instruments of the Meter "StriveNetwork.Actors".</summary>
public sealed class ActorMetrics
{
    /// <summary>The meter name.</summary>
    public const string MeterName = "StriveNetwork.Actors";

    /// <summary>Creates the instruments on a meter from the factory.</summary>
    public ActorMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        var meter = meterFactory.Create(MeterName);
        Activations = meter.CreateUpDownCounter<long>("strive.actors.activations", description: "Live activations.");
        Calls = meter.CreateCounter<long>("strive.actors.calls", description: "Grain calls sent.");
        CallTimeouts = meter.CreateCounter<long>("strive.actors.calls.timed_out", description: "Grain calls that timed out.");
        CallDuration = meter.CreateHistogram<double>("strive.actors.call.duration", unit: "ms", description: "Grain call latency.");
        StorageDuration = meter.CreateHistogram<double>("strive.actors.storage.duration", unit: "ms", description: "Storage operation latency.");
        StreamLag = meter.CreateHistogram<long>("strive.actors.stream.lag", unit: "{event}", description: "Log head minus subscription checkpoint after each batch.");
        StreamDelivered = meter.CreateCounter<long>("strive.actors.stream.delivered", description: "Stream events delivered.");
        DeadLetters = meter.CreateCounter<long>("strive.actors.stream.dead_letters", description: "Stream events moved to the dead letters.");
    }

    internal UpDownCounter<long> Activations { get; }

    internal Counter<long> Calls { get; }

    internal Counter<long> CallTimeouts { get; }

    internal Histogram<double> CallDuration { get; }

    internal Histogram<double> StorageDuration { get; }

    internal Histogram<long> StreamLag { get; }

    internal Counter<long> StreamDelivered { get; }

    internal Counter<long> DeadLetters { get; }
}
