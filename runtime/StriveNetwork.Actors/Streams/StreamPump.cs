using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Streams;

/// <summary>
/// Delivers one implicit subscription (grain type + namespace) of one provider: reads a batch of the log after the
/// checkpoint, groups it by stream key (the subscriber grain's key), delivers each key's events in log order and
/// different keys concurrently (at most <see cref="ActorRuntimeOptions.StreamDeliveryParallelism"/> at a time), and
/// moves the checkpoint once the whole batch was delivered or dead-lettered. A failing event is retried with
/// exponential backoff, then dead-lettered, and delivery of that key continues; other keys do not wait for it.
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

            await DeliverBatchAsync(batch, options.StreamDeliveryParallelism, cancellationToken).ConfigureAwait(false);

            // Only now is every event up to the batch's last position delivered or dead-lettered; a crash before this
            // line redelivers the whole batch (at-least-once; subscribers are idempotent by producer sequence).
            checkpoint = batch[^1].Position;
            await log.SaveCheckpointAsync(Subscription, checkpoint, cancellationToken).ConfigureAwait(false);

            var head = await log.GetHeadPositionAsync(cancellationToken).ConfigureAwait(false);
            silo.Metrics.StreamLag.Record(Math.Max(0, head - checkpoint), new KeyValuePair<string, object?>("subscription", Subscription));
        }
    }

    private async Task DeliverBatchAsync(IReadOnlyList<StreamEventRecord> batch, int parallelism, CancellationToken cancellationToken)
    {
        if (parallelism == 1)
        {
            // One event at a time in log order across all keys: the strictest order, for subscribers that need it.
            foreach (var record in batch)
            {
                await DeliverAsync(record, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // Keys in order of first appearance, each with its events in log order.
        var byKey = new Dictionary<string, List<StreamEventRecord>>(StringComparer.Ordinal);
        var keys = new List<List<StreamEventRecord>>();
        foreach (var record in batch)
        {
            if (!byKey.TryGetValue(record.StreamKey, out var records))
            {
                records = [];
                byKey.Add(record.StreamKey, records);
                keys.Add(records);
            }

            records.Add(record);
        }

        if (keys.Count == 1)
        {
            foreach (var record in keys[0])
            {
                await DeliverAsync(record, cancellationToken).ConfigureAwait(false);
            }

            return;
        }

        // A failure escaping DeliverAsync (the dead-letter write itself failed) cancels the other keys and fails the
        // batch without a checkpoint; the pump host restarts the pump, which redelivers from the last checkpoint.
        await Parallel.ForEachAsync(
            keys,
            new ParallelOptions { MaxDegreeOfParallelism = parallelism, CancellationToken = cancellationToken },
            async (records, token) =>
            {
                foreach (var record in records)
                {
                    await DeliverAsync(record, token).ConfigureAwait(false);
                }
            }).ConfigureAwait(false);
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
