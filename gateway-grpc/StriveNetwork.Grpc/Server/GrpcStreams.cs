using System.Runtime.CompilerServices;
using Google.Protobuf;

namespace StriveNetwork.Grpc.Server;

/// <summary>The request messages of a client-streaming or bidi call, in order, until the client half-closes.</summary>
public sealed class GrpcRequestStream<TRequest> : IAsyncEnumerable<TRequest>
    where TRequest : class, IMessage<TRequest>
{
    private readonly GrpcServerCall _call;
    private readonly MessageParser<TRequest> _parser;
    private bool _ended;

    internal GrpcRequestStream(GrpcServerCall call, MessageParser<TRequest> parser)
    {
        _call = call;
        _parser = parser;
    }

    /// <summary>Reads the next message, or null once the client has half-closed.</summary>
    public async ValueTask<TRequest?> ReadNextAsync(CancellationToken cancellationToken = default)
    {
        if (_ended)
        {
            return null;
        }

        using var linked = cancellationToken.CanBeCanceled
            ? CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _call.Context.CancellationToken)
            : null;
        var message = await _call.ReadMessageAsync(_parser, linked?.Token ?? _call.Context.CancellationToken).ConfigureAwait(false);
        _ended = message is null;
        return message;
    }

    /// <inheritdoc/>
    public async IAsyncEnumerator<TRequest> GetAsyncEnumerator(CancellationToken cancellationToken = default)
    {
        while (await ReadNextAsync(cancellationToken).ConfigureAwait(false) is { } message)
        {
            yield return message;
        }
    }

    /// <summary>All remaining messages as an async sequence.</summary>
    public async IAsyncEnumerable<TRequest> ReadAllAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        await foreach (var message in this.WithCancellation(cancellationToken).ConfigureAwait(false))
        {
            yield return message;
        }
    }
}

/// <summary>Writes response messages of a server-streaming or bidi call; each write is flushed.</summary>
public sealed class GrpcResponseStream<TResponse>
    where TResponse : class, IMessage<TResponse>
{
    private readonly GrpcServerCall _call;

    internal GrpcResponseStream(GrpcServerCall call) => _call = call;

    /// <summary>Writes and flushes one message (honours <see cref="GrpcCallContext.CompressResponses"/>).</summary>
    public Task WriteAsync(TResponse message, CancellationToken cancellationToken = default)
    {
        var token = cancellationToken.CanBeCanceled ? cancellationToken : _call.Context.CancellationToken;
        return _call.WriteMessageAsync(message, flush: true, token);
    }
}
