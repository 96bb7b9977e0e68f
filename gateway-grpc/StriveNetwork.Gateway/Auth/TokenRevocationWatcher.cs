using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Auth;

/// <summary>
/// Makes authorization continuous: polls the token registry's revocation epoch every
/// <see cref="TokenRevocationOptions.RevocationPollInterval"/> and, for every token revoked since the last poll
/// (on any silo, through any path), drops its cached lookups and ends its open calls; ends calls whose token has
/// expired. When the registry no longer holds every revocation since the last poll, it drops the whole cache and
/// checks the token of every open call again.
/// </summary>
public sealed partial class TokenRevocationWatcher(
    IGrainFactory grains,
    TokenAuthenticator authenticator,
    OpenCallRegistry openCalls,
    IOptions<TokenRevocationOptions> options,
    TimeProvider timeProvider,
    ILogger<TokenRevocationWatcher> logger) : BackgroundService
{
    private long _appliedEpoch;
    private bool _failing;

    /// <summary>The epoch whose revocations have all been applied here.</summary>
    public long AppliedEpoch => Volatile.Read(ref _appliedEpoch);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.RevocationPollInterval, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await PollOnceAsync(stoppingToken).ConfigureAwait(false);
                    if (_failing)
                    {
                        _failing = false;
                        LogRecovered(logger);
                    }
                }
                catch (Exception exception) when (!stoppingToken.IsCancellationRequested)
                {
                    // Logged once per outage, not per tick. Expiries are still enforced meanwhile.
                    openCalls.EndExpired(timeProvider.GetUtcNow());
                    if (!_failing)
                    {
                        _failing = true;
                        LogPollFailed(logger, exception.GetType().Name, exception);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One poll: applies the revocations since the last one and ends expired calls.</summary>
    public async Task PollOnceAsync(CancellationToken cancellationToken = default)
    {
        var since = AppliedEpoch;
        var revocations = await grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey)
            .RevocationsSinceAsync(since, cancellationToken).ConfigureAwait(false);

        // The seen epoch first: a call registering from now on re-checks its token (FrontDoorInterceptor), so none
        // slips between this poll and its own registration.
        authenticator.ObserveEpoch(revocations.Epoch);
        if (revocations.Complete)
        {
            foreach (var tokenId in revocations.TokenIds)
            {
                authenticator.Invalidate(tokenId);
            }
        }
        else
        {
            LogTooFarBehind(logger, since, revocations.Epoch);
            authenticator.InvalidateAll();
            await RecheckOpenCallsAsync(cancellationToken).ConfigureAwait(false);
        }

        Volatile.Write(ref _appliedEpoch, Math.Max(since, revocations.Epoch));
        openCalls.EndExpired(timeProvider.GetUtcNow());
    }

    private async Task RecheckOpenCallsAsync(CancellationToken cancellationToken)
    {
        // One lookup per distinct token, not per call; the open calls are bounded by the gateway's limits.
        foreach (var group in openCalls.Snapshot().GroupBy(c => c.SecretHash, StringComparer.Ordinal))
        {
            var authentication = await authenticator.AuthenticateHashAsync(group.Key, cancellationToken).ConfigureAwait(false);
            if (authentication.Rejection != TokenRejection.None)
            {
                var reason = authentication.Rejection == TokenRejection.Expired ? TokenRejection.Expired : TokenRejection.Revoked;
                foreach (var call in group)
                {
                    call.End(reason);
                }
            }
        }
    }

    [LoggerMessage(EventId = 6070, EventName = "RevocationPollFailed", Level = LogLevel.Warning, Message = "Polling the token registry for revocations failed ({ExceptionType}); retrying every interval")]
    private static partial void LogPollFailed(ILogger logger, string exceptionType, Exception exception);

    [LoggerMessage(EventId = 6071, EventName = "RevocationPollRecovered", Level = LogLevel.Information, Message = "Polling the token registry for revocations works again")]
    private static partial void LogRecovered(ILogger logger);

    [LoggerMessage(EventId = 6072, EventName = "RevocationsTooFarBehind", Level = LogLevel.Warning, Message = "The token registry no longer lists every revocation since epoch {Since} (now {Epoch}); dropped the token cache and re-checked every open call")]
    private static partial void LogTooFarBehind(ILogger logger, long since, long epoch);
}
