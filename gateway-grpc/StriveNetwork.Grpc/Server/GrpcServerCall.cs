using System.Buffers;
using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Server;

/// <summary>Protocol state of one server call: framing in and out, headers, status, deadline race.</summary>
internal sealed class GrpcServerCall(HttpContext httpContext, GrpcServerOptions options)
{
    private SemaphoreSlim? _deadlineLock;
    private bool _headersPrepared;
    private bool _bodyStarted;
    private string? _responseEncoding;

    private const int SmallMessageSize = 16 * 1024;

    public HttpContext HttpContext { get; } = httpContext;

    public GrpcServerOptions Options { get; } = options;

    public GrpcCallContext Context { get; set; } = null!;

    /// <summary>Set once a final status has been written (normally, or by the deadline).</summary>
    public bool Completed { get; private set; }

    public void EnableDeadlineLock() => _deadlineLock = new SemaphoreSlim(1, 1);

    public async ValueTask<TMessage?> ReadMessageAsync<TMessage>(MessageParser<TMessage> parser, CancellationToken cancellationToken)
        where TMessage : class, IMessage<TMessage>
    {
        var reader = HttpContext.Request.BodyReader;
        while (true)
        {
            var result = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            var buffer = result.Buffer;
            var consumed = buffer.Start;
            var examined = buffer.End;
            try
            {
                if (GrpcFrameParser.TryRead(ref buffer, Options.MaxReceiveMessageSize, out var frame))
                {
                    var message = Decode(parser, frame);
                    // Only what was consumed counts as examined: further complete messages may already be buffered.
                    consumed = examined = buffer.Start;
                    return message;
                }

                if (result.IsCompleted)
                {
                    if (buffer.Length > 0)
                    {
                        throw new GrpcProtocolException(StatusCode.Internal, "Incomplete message.");
                    }

                    consumed = buffer.End;
                    examined = buffer.End;
                    return null;
                }

                if (result.IsCanceled)
                {
                    throw new OperationCanceledException(cancellationToken);
                }
            }
            finally
            {
                reader.AdvanceTo(consumed, examined);
            }
        }
    }

    /// <summary>
    /// Parses the single message of a complete unary request body (END_STREAM already received), enforcing
    /// the same rules as the streaming reader: exactly one message, no trailing partial frame.
    /// </summary>
    public TMessage ParseSingle<TMessage>(ReadOnlySequence<byte> body, MessageParser<TMessage> parser)
        where TMessage : class, IMessage<TMessage>
    {
        if (!GrpcFrameParser.TryRead(ref body, Options.MaxReceiveMessageSize, out var frame))
        {
            throw body.Length > 0
                ? new GrpcProtocolException(StatusCode.Internal, "Incomplete message.")
                : new GrpcStatusException(StatusCode.Unimplemented, "Request did not contain a message (the method requires exactly one).");
        }

        var message = Decode(parser, frame);
        if (body.Length > 0)
        {
            throw GrpcFrameParser.TryRead(ref body, Options.MaxReceiveMessageSize, out _)
                ? new GrpcStatusException(StatusCode.Unimplemented, "Request contained more than one message (the method requires exactly one).")
                : new GrpcProtocolException(StatusCode.Internal, "Incomplete message.");
        }

        return message;
    }

    private TMessage Decode<TMessage>(MessageParser<TMessage> parser, GrpcFrame frame)
        where TMessage : class, IMessage<TMessage>
    {
        Context.RequestMessageCompressed = frame.Compressed;
        var payload = frame.Payload;
        if (frame.Compressed)
        {
            var encoding = HttpContext.Request.Headers[GrpcProtocol.EncodingHeader].ToString();
            if (encoding.Length == 0 || string.Equals(encoding, GrpcCompression.Identity, StringComparison.OrdinalIgnoreCase))
            {
                throw new GrpcProtocolException(StatusCode.Internal, "Request sent a compressed message without a grpc-encoding (or with identity).");
            }

            if (!string.Equals(encoding, GrpcCompression.Gzip, StringComparison.OrdinalIgnoreCase))
            {
                throw new GrpcProtocolException(StatusCode.Unimplemented, $"Unsupported grpc-encoding '{encoding}'. Supported: {GrpcCompression.AcceptEncodingValue}.");
            }

            payload = new ReadOnlySequence<byte>(GrpcCompression.DecompressGzip(payload, Options.MaxReceiveMessageSize));
        }

        try
        {
            return parser.ParseFrom(payload);
        }
        catch (InvalidProtocolBufferException)
        {
            throw new GrpcProtocolException(StatusCode.Internal, "Failed to deserialize the request message.");
        }
    }

    /// <summary>Copies initial metadata into the response headers (before the response starts).</summary>
    private void PrepareHeaders()
    {
        if (_headersPrepared || HttpContext.Response.HasStarted)
        {
            _headersPrepared = true;
            return;
        }

        _headersPrepared = true;
        var headers = HttpContext.Response.Headers;
        var encoding = Context.ResponseEncoding ?? Options.ResponseCompressionAlgorithm;
        if (encoding is not null && !string.Equals(encoding, GrpcCompression.Identity, StringComparison.OrdinalIgnoreCase)
            && GrpcCompression.IsSupported(encoding) && Context.ClientAcceptsEncoding(encoding))
        {
            _responseEncoding = encoding;
            headers[GrpcProtocol.EncodingHeader] = encoding;
        }

        AppendMetadata(headers, Context.ResponseHeaders);
    }

    public async Task WriteHeadersAsync()
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (Completed)
            {
                throw new InvalidOperationException("The call has already completed.");
            }

            PrepareHeaders();
            await HttpContext.Response.StartAsync(Context.CancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Exit();
        }
    }

    public async Task WriteMessageAsync<TMessage>(TMessage message, bool flush, CancellationToken cancellationToken)
        where TMessage : IMessage<TMessage>
    {
        ArgumentNullException.ThrowIfNull(message);
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (Completed)
            {
                throw new OperationCanceledException("The call has already completed (deadline exceeded or status sent).");
            }

            cancellationToken.ThrowIfCancellationRequested();
            PrepareHeaders();
            var size = message.CalculateSize();
            if (Options.MaxSendMessageSize is { } max && size > max)
            {
                throw new GrpcStatusException(StatusCode.ResourceExhausted, "Sending message exceeds the maximum configured message size.");
            }

            var writer = HttpContext.Response.BodyWriter;
            _bodyStarted = true;
            if (_responseEncoding is not null && Context.CompressResponses)
            {
                var compressed = GrpcCompression.CompressGzip(message.ToByteArray());
                var span = writer.GetSpan(GrpcFrameParser.HeaderSize + compressed.Length);
                GrpcFrameParser.WriteHeader(span, compressed: true, compressed.Length);
                compressed.CopyTo(span[GrpcFrameParser.HeaderSize..]);
                writer.Advance(GrpcFrameParser.HeaderSize + compressed.Length);
            }
            else if (size <= SmallMessageSize)
            {
                // One contiguous span: cheaper than the IBufferWriter path for the common small message.
                var span = writer.GetSpan(GrpcFrameParser.HeaderSize + size);
                GrpcFrameParser.WriteHeader(span, compressed: false, size);
                message.WriteTo(span.Slice(GrpcFrameParser.HeaderSize, size));
                writer.Advance(GrpcFrameParser.HeaderSize + size);
            }
            else
            {
                var header = writer.GetSpan(GrpcFrameParser.HeaderSize);
                GrpcFrameParser.WriteHeader(header, compressed: false, size);
                writer.Advance(GrpcFrameParser.HeaderSize);
                message.WriteTo(writer);
            }

            if (flush)
            {
                await writer.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }
        finally
        {
            Exit();
        }
    }

    /// <summary>Writes the final status as trailers, or as Trailers-Only when nothing was sent yet.</summary>
    public async Task WriteStatusAsync(StatusCode status, string? message, GrpcMetadata? extraTrailers)
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            WriteStatusCore(status, message, extraTrailers);
        }
        finally
        {
            Exit();
        }
    }

    private void WriteStatusCore(StatusCode status, string? message, GrpcMetadata? extraTrailers)
    {
        if (Completed)
        {
            return;
        }

        Completed = true;
        var response = HttpContext.Response;
        IHeaderDictionary destination;
        if (response.HasStarted || _bodyStarted)
        {
            var trailersFeature = HttpContext.Features.Get<IHttpResponseTrailersFeature>();
            if (trailersFeature?.Trailers is not { IsReadOnly: false } trailers)
            {
                return;
            }

            destination = trailers;
        }
        else
        {
            PrepareHeaders();
            destination = response.Headers;
        }

        AppendMetadata(destination, Context.ResponseTrailers);
        if (extraTrailers is not null)
        {
            AppendMetadata(destination, extraTrailers);
        }

        destination[GrpcProtocol.StatusHeader] = StatusText((int)status);
        if (!string.IsNullOrEmpty(message))
        {
            destination[GrpcProtocol.MessageHeader] = GrpcProtocol.PercentEncode(message);
        }
    }

    /// <summary>The deadline fired first: send DEADLINE_EXCEEDED, flush, then RST_STREAM(CANCEL).</summary>
    public async Task CompleteWithDeadlineAsync()
    {
        await EnterAsync().ConfigureAwait(false);
        try
        {
            if (Completed || HttpContext.RequestAborted.IsCancellationRequested)
            {
                return;
            }

            WriteStatusCore(StatusCode.DeadlineExceeded, "Deadline Exceeded", null);
            try
            {
                await HttpContext.Response.CompleteAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or InvalidOperationException)
            {
                // The stream may already be gone; the reset below still cleans up.
            }

            HttpContext.Features.Get<IHttpResetFeature>()?.Reset(8);
        }
        finally
        {
            Exit();
        }
    }

    private static readonly string[] StatusTexts = Enumerable.Range(0, 17).Select(i => i.ToString(System.Globalization.CultureInfo.InvariantCulture)).ToArray();

    private static string StatusText(int code) =>
        (uint)code < StatusTexts.Length ? StatusTexts[code] : code.ToString(System.Globalization.CultureInfo.InvariantCulture);

    private static void AppendMetadata(IHeaderDictionary destination, GrpcMetadata metadata)
    {
        for (var i = 0; i < metadata.Count; i++)
        {
            var entry = metadata[i];
            if (entry.Key.StartsWith("grpc-", StringComparison.Ordinal) && !entry.IsBinary)
            {
                // Reserved names are owned by the protocol layer.
                continue;
            }

            var value = entry.ValueBytes is { } bytes ? GrpcProtocol.EncodeBase64(bytes) : entry.Value!;
            destination.Append(entry.Key, value);
        }
    }

    private ValueTask EnterAsync()
    {
        var gate = _deadlineLock;
        return gate is null ? ValueTask.CompletedTask : new ValueTask(gate.WaitAsync());
    }

    private void Exit() => _deadlineLock?.Release();
}
