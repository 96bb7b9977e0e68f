using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Http.Headers;
using System.Threading.Channels;
using Google.Protobuf;
using StriveNetwork.Grpc.Protocol;

namespace StriveNetwork.Grpc.Client;

/// <summary>
/// One client call of any shape: write requests (then complete), read responses until the status arrives.
/// Non-OK statuses surface as <see cref="GrpcStatusException"/> from the read that reaches the end.
/// </summary>
public sealed class GrpcClientCall<TRequest, TResponse> : IAsyncDisposable
    where TRequest : class, IMessage<TRequest>
    where TResponse : class, IMessage<TResponse>, new()
{
    private static readonly MessageParser<TResponse> Parser = new(() => new TResponse());
    private readonly Channel<byte[]>? _requests;
    private readonly CancellationTokenSource _cancellation;
    private readonly CancellationTokenSource? _deadline;
    private readonly CancellationToken _userToken;
    private readonly GrpcCallOptions _options;
    private readonly Task<HttpResponseMessage> _responseTask;
    private HttpResponseMessage? _response;
    private PipeReader? _reader;
    private bool _finished;

    internal GrpcClientCall(HttpClient client, Uri address, string method, GrpcCallOptions options, byte[]? singleRequest, CancellationToken cancellationToken)
    {
        _options = options;
        _userToken = cancellationToken;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        if (options.Timeout is { } timeout)
        {
            _deadline = new CancellationTokenSource(timeout);
            _deadline.Token.Register(static state => ((CancellationTokenSource)state!).Cancel(), _cancellation);
        }

        var request = new HttpRequestMessage(HttpMethod.Post, new Uri(address, method.TrimStart('/')))
        {
            Version = HttpVersion.Version20,
            VersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };
        request.Headers.TE.Add(new TransferCodingWithQualityHeaderValue("trailers"));
        request.Headers.TryAddWithoutValidation(GrpcProtocol.AcceptEncodingHeader, options.AcceptCompressedResponses ? GrpcCompression.AcceptEncodingValue : GrpcCompression.Identity);
        if (options.CompressRequests)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.EncodingHeader, GrpcCompression.Gzip);
        }

        if (options.Timeout is { } t)
        {
            request.Headers.TryAddWithoutValidation(GrpcProtocol.TimeoutHeader, GrpcProtocol.FormatTimeout(t));
        }

        foreach (var entry in options.Headers ?? [])
        {
            request.Headers.TryAddWithoutValidation(entry.Key, entry.ValueBytes is { } bytes ? GrpcProtocol.EncodeBase64(bytes) : entry.Value);
        }

        HttpContent content;
        if (singleRequest is not null)
        {
            content = new ByteArrayContent(singleRequest);
        }
        else
        {
            _requests = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
            content = new StreamingContent(_requests.Reader);
        }

        content.Headers.ContentType = new MediaTypeHeaderValue(GrpcProtocol.ContentType);
        request.Content = content;
        _responseTask = client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, _cancellation.Token);
    }

    /// <summary>The final status once the call finished (OK or the thrown status).</summary>
    public StatusCode? Status { get; private set; }

    /// <summary>Trailing metadata once the call finished.</summary>
    public GrpcMetadata Trailers { get; private set; } = new();

    /// <summary>Whether the most recently read response message was compressed.</summary>
    public bool LastResponseCompressed { get; private set; }

    /// <summary>Frames and sends one request message.</summary>
    public async Task WriteAsync(TRequest message, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(message);
        if (_requests is null)
        {
            throw new InvalidOperationException("This call sends a single request.");
        }

        await _requests.Writer.WriteAsync(Frame(message, _options.CompressRequests), cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Half-closes the request stream.</summary>
    public Task CompleteRequestAsync()
    {
        _requests?.Writer.TryComplete();
        return Task.CompletedTask;
    }

    /// <summary>Waits for the response headers (initial metadata).</summary>
    public async Task<GrpcMetadata> ResponseHeadersAsync()
    {
        var response = await GetResponseAsync().ConfigureAwait(false);
        return ToMetadata(response.Headers);
    }

    /// <summary>Reads the next response, or null at the end of a call that ended OK.</summary>
    /// <exception cref="GrpcStatusException">The call ended with a non-OK status.</exception>
    public async Task<TResponse?> ReadAsync()
    {
        if (_finished)
        {
            return null;
        }

        var response = await GetResponseAsync().ConfigureAwait(false);
        try
        {
            if (_reader is null)
            {
                if (response.Headers.Contains(GrpcProtocol.StatusHeader) || response.StatusCode != HttpStatusCode.OK)
                {
                    // Trailers-Only (or not a gRPC response at all).
                    Finish(response.Headers, response.StatusCode);
                    return null;
                }

                _reader = PipeReader.Create(await response.Content.ReadAsStreamAsync(_cancellation.Token).ConfigureAwait(false));
            }

            while (true)
            {
                var result = await _reader.ReadAsync(_cancellation.Token).ConfigureAwait(false);
                var buffer = result.Buffer;
                var consumed = buffer.Start;
                var examined = buffer.End;
                try
                {
                    if (GrpcFrameParser.TryRead(ref buffer, _options.MaxReceiveMessageSize, out var frame))
                    {
                        consumed = examined = buffer.Start;
                        LastResponseCompressed = frame.Compressed;
                        var payload = frame.Payload;
                        if (frame.Compressed)
                        {
                            payload = new ReadOnlySequence<byte>(GrpcCompression.DecompressGzip(payload, _options.MaxReceiveMessageSize));
                        }

                        return Parser.ParseFrom(payload);
                    }

                    if (result.IsCompleted)
                    {
                        consumed = examined = buffer.End;
                        if (buffer.Length > 0)
                        {
                            throw new GrpcStatusException(StatusCode.Internal, "Response ended inside a message.");
                        }

                        break;
                    }
                }
                finally
                {
                    _reader.AdvanceTo(consumed, examined);
                }
            }

            Finish(response.TrailingHeaders, response.StatusCode);
            return null;
        }
        catch (GrpcProtocolException ex)
        {
            _finished = true;
            Status = ex.StatusCode;
            await _cancellation.CancelAsync().ConfigureAwait(false);
            throw new GrpcStatusException(ex.StatusCode, ex.Message);
        }
        catch (InvalidProtocolBufferException ex)
        {
            _finished = true;
            Status = StatusCode.Internal;
            throw new GrpcStatusException(StatusCode.Internal, "Failed to deserialize the response message.", innerException: ex);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !_finished
            && response.TrailingHeaders.Contains(GrpcProtocol.StatusHeader))
        {
            // The server sent its status and then reset the stream (deadline: RST_STREAM CANCEL after the
            // trailers); the status it sent is the real outcome.
            Finish(response.TrailingHeaders, response.StatusCode);
            return null;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            throw MapTransportFailure(ex);
        }
    }

    /// <summary>Reads every remaining response.</summary>
    public async IAsyncEnumerable<TResponse> ReadAllAsync()
    {
        while (await ReadAsync().ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }

    /// <summary>Cancels the call if it is still running (RST_STREAM CANCEL) and releases it.</summary>
    public async ValueTask DisposeAsync()
    {
        _requests?.Writer.TryComplete();
        if (!_finished)
        {
            await _cancellation.CancelAsync().ConfigureAwait(false);
        }

        if (_reader is not null)
        {
            await _reader.CompleteAsync().ConfigureAwait(false);
        }

        _response?.Dispose();
        _deadline?.Dispose();
        _cancellation.Dispose();
    }

    internal static byte[] Frame(IMessage message, bool compress)
    {
        var payload = message.ToByteArray();
        if (compress)
        {
            payload = GrpcCompression.CompressGzip(payload);
        }

        var framed = new byte[GrpcFrameParser.HeaderSize + payload.Length];
        GrpcFrameParser.WriteHeader(framed, compress, payload.Length);
        payload.CopyTo(framed, GrpcFrameParser.HeaderSize);
        return framed;
    }

    private async Task<HttpResponseMessage> GetResponseAsync()
    {
        if (_response is not null)
        {
            return _response;
        }

        try
        {
            _response = await _responseTask.ConfigureAwait(false);
            return _response;
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or HttpRequestException)
        {
            throw MapTransportFailure(ex);
        }
    }

    private GrpcStatusException MapTransportFailure(Exception ex)
    {
        _finished = true;
        var code = _deadline?.IsCancellationRequested == true ? StatusCode.DeadlineExceeded
            : _userToken.IsCancellationRequested || _cancellation.IsCancellationRequested ? StatusCode.Cancelled
            : FindResetCode(ex) switch
            {
                // RST_STREAM codes from the server, mapped as in PROTOCOL-HTTP2.md.
                null or 0x7 => StatusCode.Unavailable,
                0x8 => StatusCode.Cancelled,
                0xb => StatusCode.ResourceExhausted,
                0xc => StatusCode.PermissionDenied,
                _ => StatusCode.Internal,
            };
        Status = code;
        return new GrpcStatusException(code, code == StatusCode.DeadlineExceeded ? "Deadline Exceeded" : ex.Message, innerException: ex);
    }

    private static long? FindResetCode(Exception? ex)
    {
        for (; ex is not null; ex = ex.InnerException)
        {
            if (ex is HttpProtocolException protocol)
            {
                return protocol.ErrorCode;
            }
        }

        return null;
    }

    private void Finish(HttpHeaders trailers, HttpStatusCode httpStatus)
    {
        _finished = true;
        Trailers = ToMetadata(trailers);
        StatusCode code;
        string? message = null;
        if (trailers.TryGetValues(GrpcProtocol.StatusHeader, out var statusValues)
            && int.TryParse(statusValues.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var parsed))
        {
            code = (StatusCode)parsed;
            if (trailers.TryGetValues(GrpcProtocol.MessageHeader, out var messages))
            {
                message = GrpcProtocol.PercentDecode(messages.First());
            }
        }
        else
        {
            code = httpStatus switch
            {
                HttpStatusCode.BadRequest => StatusCode.Internal,
                HttpStatusCode.Unauthorized => StatusCode.Unauthenticated,
                HttpStatusCode.Forbidden => StatusCode.PermissionDenied,
                HttpStatusCode.NotFound => StatusCode.Unimplemented,
                HttpStatusCode.TooManyRequests or HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable or HttpStatusCode.GatewayTimeout => StatusCode.Unavailable,
                _ => StatusCode.Unknown,
            };
            message = $"No grpc-status received (HTTP {(int)httpStatus}).";
        }

        Status = code;
        if (code != StatusCode.OK)
        {
            throw new GrpcStatusException(code, message, Trailers);
        }
    }

    private static GrpcMetadata ToMetadata(HttpHeaders headers)
    {
        var metadata = new GrpcMetadata();
        foreach (var (name, values) in headers)
        {
            if (GrpcProtocol.IsReservedHeader(name) || name is GrpcProtocol.StatusHeader or GrpcProtocol.MessageHeader)
            {
                continue;
            }

            foreach (var value in values)
            {
                if (!GrpcMetadata.IsBinaryKey(name))
                {
                    metadata.Add(name, value);
                    continue;
                }

                foreach (var part in value.Split(','))
                {
                    metadata.Add(name, GrpcProtocol.DecodeBase64(part));
                }
            }
        }

        return metadata;
    }

    /// <summary>Request body fed by a channel of framed messages; completing the channel ends the stream.</summary>
    private sealed class StreamingContent(ChannelReader<byte[]> messages) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, TransportContext? context, CancellationToken cancellationToken)
        {
            while (await messages.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (messages.TryRead(out var framed))
                {
                    await stream.WriteAsync(framed, cancellationToken).ConfigureAwait(false);
                }

                await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            }
        }

        protected override Task SerializeToStreamAsync(Stream stream, TransportContext? context) =>
            SerializeToStreamAsync(stream, context, CancellationToken.None);

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }
}
