using System.Collections.Concurrent;
using StriveNetwork.Gateway.Telemetry;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// The authenticated calls open in this process, by token: what <see cref="TokenRevocationWatcher"/> ends when their
/// token is revoked or expires. <see cref="Interceptors.FrontDoorInterceptor"/> registers every call and disposes its
/// registration when the call ends, so the registry holds exactly the calls in progress. Every call it ends is
/// counted in <paramref name="metrics"/> when given.
/// </summary>
public sealed class OpenCallRegistry(GatewayMetrics? metrics = null)
{
    private readonly ConcurrentDictionary<long, OpenCall> _calls = new();
    private long _nextId;

    /// <summary>Calls open now.</summary>
    public int Count => _calls.Count;

    /// <summary>
    /// Registers a call authenticated by a token; its <see cref="OpenCall.Ended"/> fires when the call is cancelled
    /// (client, deadline) or ended here. Dispose the result when the call ends.
    /// </summary>
    public OpenCall Register(string tokenId, string secretHash, DateTimeOffset? expireTime, CancellationToken callCancelled)
    {
        var call = new OpenCall(this, Interlocked.Increment(ref _nextId), tokenId, secretHash, expireTime, callCancelled);
        _calls[call.Id] = call;
        return call;
    }

    /// <summary>A snapshot of the open calls.</summary>
    public IReadOnlyList<OpenCall> Snapshot() => [.. _calls.Values];

    /// <summary>Ends every open call of the token with <paramref name="reason"/>; returns how many it ended.</summary>
    public int EndToken(string tokenId, TokenRejection reason)
    {
        var ended = 0;
        foreach (var call in _calls.Values)
        {
            if (string.Equals(call.TokenId, tokenId, StringComparison.Ordinal) && call.End(reason))
            {
                ended++;
            }
        }

        return ended;
    }

    /// <summary>Ends every open call whose token has expired at <paramref name="now"/>; returns how many it ended.</summary>
    public int EndExpired(DateTimeOffset now)
    {
        var ended = 0;
        foreach (var call in _calls.Values)
        {
            if (call.ExpireTime is { } expiry && expiry <= now && call.End(TokenRejection.Expired))
            {
                ended++;
            }
        }

        return ended;
    }

    internal void Remove(long id) => _calls.TryRemove(id, out _);

    internal void Ended(TokenRejection reason) => metrics?.CallEnded(reason);
}

/// <summary>One open call of <see cref="OpenCallRegistry"/>.</summary>
/// <remarks>
/// The cancellation source behind <see cref="Ended"/> is created only when someone asks for the token (a handler
/// that awaits something, the interceptor waiting on a slow handler): a call answered synchronously (a cached read)
/// registers and unregisters without allocating one. A call ended before anyone asked gets an already cancelled token.
/// </remarks>
public sealed class OpenCall : IDisposable
{
    private readonly OpenCallRegistry _registry;
    private readonly CancellationToken _callCancelled;
    private readonly Lock _lock = new();
    private CancellationTokenSource? _ended;
    private TokenRejection _endReason;
    private bool _disposed;

    internal OpenCall(OpenCallRegistry registry, long id, string tokenId, string secretHash, DateTimeOffset? expireTime, CancellationToken callCancelled)
    {
        _registry = registry;
        Id = id;
        TokenId = tokenId;
        SecretHash = secretHash;
        ExpireTime = expireTime;
        _callCancelled = callCancelled;
    }

    internal long Id { get; }

    /// <summary>The token the call was authenticated by.</summary>
    public string TokenId { get; }

    /// <summary>The token's secret hash (to look it up again; never the secret).</summary>
    public string SecretHash { get; }

    /// <summary>When the token expires (null: never).</summary>
    public DateTimeOffset? ExpireTime { get; }

    /// <summary>Cancelled when the call is cancelled by its client or deadline, or ended by <see cref="End"/>.</summary>
    public CancellationToken Ended
    {
        get
        {
            lock (_lock)
            {
                if (_ended is not null)
                {
                    return _ended.Token;
                }

                if (_endReason != TokenRejection.None)
                {
                    return new CancellationToken(canceled: true);
                }

                if (_disposed)
                {
                    // Over: only the client's own cancellation can still concern a handler that outlived its call.
                    return _callCancelled;
                }

                _ended = CancellationTokenSource.CreateLinkedTokenSource(_callCancelled);
                return _ended.Token;
            }
        }
    }

    /// <summary>Why the call was ended here (<see cref="TokenRejection.None"/> while it was not).</summary>
    public TokenRejection EndReason
    {
        get
        {
            lock (_lock)
            {
                return _endReason;
            }
        }
    }

    /// <summary>Ends the call for <paramref name="reason"/>; false when it was already ended or is over.</summary>
    public bool End(TokenRejection reason)
    {
        CancellationTokenSource? ended;
        lock (_lock)
        {
            if (_disposed || _endReason != TokenRejection.None)
            {
                return false;
            }

            // The reason is set before the cancellation, so whoever observes the cancellation can read it.
            _endReason = reason;
            ended = _ended;
        }

        _registry.Ended(reason);

        try
        {
            ended?.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // The call ended at the same moment: nothing left to cancel.
        }

        return true;
    }

    /// <summary>Removes the call from the registry.</summary>
    public void Dispose()
    {
        CancellationTokenSource? ended;
        lock (_lock)
        {
            if (_disposed)
            {
                return;
            }

            _disposed = true;
            ended = _ended;
        }

        _registry.Remove(Id);

        // Unlinks from the call's token. A handler still running after its call was ended holds a token that is
        // already cancelled, which stays usable.
        ended?.Dispose();
    }
}
