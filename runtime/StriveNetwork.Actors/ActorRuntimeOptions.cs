namespace StriveNetwork.Actors;

/// <summary>Runtime settings; validated at start.</summary>
public sealed class ActorRuntimeOptions
{
    /// <summary>Time a caller waits for a response (Orleans' ResponseTimeout, default 30 s).</summary>
    public TimeSpan CallTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Idle time after which an activation is collected (Orleans' CollectionAge, default 15 min).</summary>
    public TimeSpan IdleCollectionAge { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How often the idle collector scans (Orleans' CollectionQuantum, default 1 min).</summary>
    public TimeSpan CollectionQuantum { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Round-trip every call's arguments and result through System.Text.Json (tests turn this on).</summary>
    public bool ForceSerialization { get; set; }

    /// <summary>Storage used by <see cref="PersistentStateAttribute"/> without a storage name, by reminders and by direct publishing.</summary>
    public string DefaultStorageName { get; set; } = "Default";

    /// <summary>Delivery attempts of one stream event before it goes to the dead letters (default 5).</summary>
    public int StreamMaxDeliveryAttempts { get; set; } = 5;

    /// <summary>Backoff after the first failed delivery; doubles per attempt.</summary>
    public TimeSpan StreamRetryInitialBackoff { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>Upper bound of the delivery backoff.</summary>
    public TimeSpan StreamRetryMaxBackoff { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Poll interval of stream pumps when no local write signalled them.</summary>
    public TimeSpan StreamPollInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>Events read per pump batch.</summary>
    public int StreamBatchSize { get; set; } = 100;

    /// <summary>
    /// Subscriber grains of one subscription that a pump delivers to concurrently within a batch (1..256, default 16).
    /// Each grain still receives its own events one at a time in log order; 1 delivers the whole batch one event at a
    /// time in log order across all grains.
    /// </summary>
    public int StreamDeliveryParallelism { get; set; } = 16;

    /// <summary>Minimum reminder period (Orleans' MinimumReminderPeriod, 1 min); lower values are rejected.</summary>
    public static TimeSpan MinimumReminderPeriod { get; } = TimeSpan.FromMinutes(1);

    internal IEnumerable<string> Validate()
    {
        if (CallTimeout <= TimeSpan.Zero)
        {
            yield return $"{nameof(CallTimeout)} must be positive (was {CallTimeout}).";
        }

        if (IdleCollectionAge <= TimeSpan.Zero)
        {
            yield return $"{nameof(IdleCollectionAge)} must be positive (was {IdleCollectionAge}).";
        }

        if (CollectionQuantum <= TimeSpan.Zero || CollectionQuantum > IdleCollectionAge)
        {
            yield return $"{nameof(CollectionQuantum)} must be positive and at most {nameof(IdleCollectionAge)} (was {CollectionQuantum}).";
        }

        if (string.IsNullOrWhiteSpace(DefaultStorageName))
        {
            yield return $"{nameof(DefaultStorageName)} is required.";
        }

        if (StreamMaxDeliveryAttempts < 1)
        {
            yield return $"{nameof(StreamMaxDeliveryAttempts)} must be at least 1 (was {StreamMaxDeliveryAttempts}).";
        }

        if (StreamRetryInitialBackoff < TimeSpan.Zero || StreamRetryMaxBackoff < StreamRetryInitialBackoff)
        {
            yield return $"{nameof(StreamRetryInitialBackoff)} must be non-negative and at most {nameof(StreamRetryMaxBackoff)}.";
        }

        if (StreamPollInterval <= TimeSpan.Zero)
        {
            yield return $"{nameof(StreamPollInterval)} must be positive (was {StreamPollInterval}).";
        }

        if (StreamBatchSize < 1)
        {
            yield return $"{nameof(StreamBatchSize)} must be at least 1 (was {StreamBatchSize}).";
        }

        if (StreamDeliveryParallelism is < 1 or > 256)
        {
            yield return $"{nameof(StreamDeliveryParallelism)} must be between 1 and 256 (was {StreamDeliveryParallelism}).";
        }
    }
}
