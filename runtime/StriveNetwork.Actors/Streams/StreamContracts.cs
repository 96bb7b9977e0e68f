using System.Text.Json;
using StriveNetwork.Actors.Persistence;

namespace StriveNetwork.Actors.Streams;

/// <summary>A stream event delivered to a subscriber grain.</summary>
/// <param name="Record">The stored event: namespace, key, producer, producer sequence, position, payload.</param>
public sealed record StreamEvent(StreamEventRecord Record)
{
    /// <summary>The producer grain.</summary>
    [System.Text.Json.Serialization.JsonIgnore]
    public GrainId Producer => new(Record.ProducerType, Record.ProducerKey);

    /// <summary>Deserializes the payload.</summary>
    public T GetPayload<T>() => JsonSerializer.Deserialize<T>(Record.PayloadJson, ActorJson.Options)
        ?? throw new InvalidOperationException($"Stream event {Record.Position} has a null payload.");

    /// <summary>The stable payload type name used for <typeparamref name="T"/>.</summary>
    public static string PayloadTypeName<T>() => typeof(T).FullName ?? typeof(T).Name;
}

/// <summary>A grain that receives events of its implicit stream subscriptions (at least once, in log order per subscriber grain).</summary>
public interface IStreamSubscriber : IGrain
{
    /// <summary>Handles one event; throwing makes the runtime retry, then dead-letter it.</summary>
    Task OnNextAsync(StreamEvent streamEvent, CancellationToken cancellationToken = default);
}
