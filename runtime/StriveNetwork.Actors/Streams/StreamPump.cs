using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Streams;

/// <summary>
/// Delivers one implicit subscription (grain type + namespace) of one provider: reads the log after the checkpoint,
/// calls the subscriber grain keyed by each event's stream key, in log order, and moves the checkpoint after each
/// event. A failing event is retried with exponential backoff, then dead-lettered, and delivery continues.
/// </summary>
internal sealed class StreamPump(
    ActorSilo silo,
    string providerName,
    IStreamLog log,
    string grainType,
    string streamNamespace)
{
    /// <summary>Checkpoint and dead-letter name of the subscription.</summary>
    public string Subscription { get; } = $"{grainType}/{streamNamespace}";

    public async Task RunAsync(CancellationToken cancellationToken)
    {
        var options = silo.Options;
        var checkpoint = await log.GetCheckpointAsync(Subscription, cancellationToken).ConfigureAwait(false);
        while (!cancellationToken.IsCancellationRequested)
        {
            var notified = silo.StreamSignals.WhenNotified(providerName);
            var batch = await log.ReadAsync(streamNamespace, checkpoint, options.StreamBatchSize, cancellationToken).ConfigureAwait(false);
            if (batch.Count == 0)
            {
                await Task.WhenAny(notified, Task.Delay(options.StreamPollInterval, silo.TimeProvider, cancellationToken)).ConfigureAwait(false);
                continue;
            }

            foreach (var record in batch)
            {
                await DeliverAsync(record, cancellationToken).ConfigureAwait(false);
                checkpoint = record.Position;
                await log.SaveCheckpointAsync(Subscription, checkpoint, cancellationToken).ConfigureAwait(false);
            }

            var head = await log.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            silo.Metrics.StreamLag.Record(Math.Max(0, head - checkpoint), new KeyValuePair<string, object?>("subscription", Subscription));
        }
    }

    private async Task DeliverAsync(StreamEventRecord record, CancellationToken cancellationToken)
    {
        var options = silo.Options;
        var target = new GrainId(grainType, record.StreamKey);
        var invocation = new SystemInvokers.StreamDeliveryInvocation(new StreamEvent(record));
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                await silo.InvokeAsync(target, invocation, cancellationToken).ConfigureAwait(false);
                silo.Metrics.StreamDelivered.Add(1, new KeyValuePair<string, object?>("subscription", Subscription));
                return;
            }
            catch (Exception exception) when (!cancellationToken.IsCancellationRequested)
            {
                silo.Logger.DeliveryFailed(record.Position, target, attempt, exception);
                if (attempt >= options.StreamMaxDeliveryAttempts)
                {
                    var deadLetter = new DeadLetterRecord(Subscription, record, attempt, exception.Message, silo.TimeProvider.GetUtcNow());
                    await log.DeadLetterAsync(deadLetter, cancellationToken).ConfigureAwait(false);
                    silo.Metrics.DeadLetters.Add(1, new KeyValuePair<string, object?>("subscription", Subscription));
                    silo.Logger.DeadLettered(record.Position, target, Subscription, attempt);
                    return;
                }

                var backoff = TimeSpan.FromTicks(Math.Min(
                    options.StreamRetryMaxBackoff.Ticks,
                    options.StreamRetryInitialBackoff.Ticks * (1L << Math.Min(attempt - 1, 30))));
                if (backoff > TimeSpan.Zero)
                {
                    await Task.Delay(backoff, silo.TimeProvider, cancellationToken).ConfigureAwait(false);
                }
            }
        }
    }
}
