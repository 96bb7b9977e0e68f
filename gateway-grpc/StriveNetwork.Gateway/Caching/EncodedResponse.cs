using Google.Protobuf;
using Grpc.Core;

namespace StriveNetwork.Gateway.Caching;

/// <summary>
/// A response message already encoded as protobuf: the cached reads are bound with <see cref="Marshaller"/>, which
/// writes these bytes as they are, so a response served from the cache is neither mapped nor encoded again.
/// </summary>
public sealed class EncodedResponse
{
    private Task<EncodedResponse>? _completed;

    /// <summary>Wraps encoded bytes (not copied: they must not change afterwards).</summary>
    public EncodedResponse(byte[] bytes)
    {
        ArgumentNullException.ThrowIfNull(bytes);
        Bytes = bytes;
    }

    /// <summary>The encoded message.</summary>
    public byte[] Bytes { get; }

    /// <summary>
    /// A completed task of this response, made once: a handler answering from the cache returns it, where an
    /// <c>async</c> method would allocate a task per call.
    /// </summary>
    public Task<EncodedResponse> Completed => _completed ??= Task.FromResult(this);

    /// <summary>Writes <see cref="Bytes"/> unchanged; reads a payload into a new instance (for clients and tests).</summary>
    public static Marshaller<EncodedResponse> Marshaller { get; } = new(
        static (response, context) => context.Complete(response.Bytes),
        static context => new EncodedResponse(context.PayloadAsNewBuffer()));

    /// <summary>Encodes <paramref name="message"/>.</summary>
    public static EncodedResponse Of(IMessage message) => new(message.ToByteArray());

    /// <summary>The marshaller of a request message type, as the generated code has it (parsing from the payload without a copy).</summary>
    public static Marshaller<T> RequestMarshaller<T>(MessageParser<T> parser)
        where T : IMessage<T>
    {
        ArgumentNullException.ThrowIfNull(parser);
        return new Marshaller<T>(
            static (message, context) =>
            {
                context.SetPayloadLength(message.CalculateSize());
                message.WriteTo(context.GetBufferWriter());
                context.Complete();
            },
            context => parser.ParseFrom(context.PayloadAsReadOnlySequence()));
    }
}
