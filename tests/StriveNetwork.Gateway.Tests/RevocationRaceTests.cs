using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using StriveNetwork.Gateway.Auth;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Grains;
using StriveNetwork.Grains.Abstractions;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The revoke/lookup race: a lookup that read a token before its revocation and returns after it must not put the
/// old record in the cache. An incoming grain call filter in the test silo parks the registry's lookup after it has
/// read the record, while the token is revoked.
/// </summary>
/// <remarks>
/// These tests fail on the authenticator before the revocation epoch (commit bcc005c): it cached every lookup's
/// result unconditionally for 4 s, so the parked lookup, released after the revocation and after Invalidate had found
/// nothing to drop, cached the active record, and the second AuthenticateAsync answered None from the cache instead
/// of Revoked (the assert marked "the race"). Checked by building the authenticator with its three epoch/generation
/// checks disabled (trust and cache every answer): both race tests then fail with "Expected: Revoked, Actual: None".
/// </remarks>
public sealed class RevocationRaceTests : IAsyncLifetime
{
    private static readonly TimeSpan Wait = TimeSpan.FromSeconds(10);
    private readonly LookupGate _gate = new();
    private IHost? _host;

    private IGrainFactory Grains => _host!.Services.GetRequiredService<IGrainFactory>();

    private ITokenRegistryGrain Registry => Grains.GetGrain<ITokenRegistryGrain>(GrainKeys.TokensKey);

    public async Task InitializeAsync()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Logging.ClearProviders();
        builder.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: "strive-race-tests", clusterId: "race-" + Guid.NewGuid().ToString("N"))
            .AddMemoryGrainStorageAsDefault()
            .UseInMemoryReminderService()
            .AddIncomingGrainCallFilter(_gate));
        builder.Services.AddStriveGrains(s => s.MinimumN = 10);
        _host = builder.Build();
        await _host.StartAsync();
    }

    public async Task DisposeAsync()
    {
        _gate.ReleaseAll();
        if (_host is not null)
        {
            await _host.StopAsync();
            _host.Dispose();
        }
    }

    [Fact]
    public async Task LookupInFlightDuringALocalRevoke_CannotCacheTheRevokedToken()
    {
        var authenticator = new TokenAuthenticator(Grains, TimeProvider.System, new OpenCallRegistry());
        var (secret, tokenId) = await IssueAsync();

        var release = _gate.ParkNextLookup();
        var inFlight = authenticator.AuthenticateAsync(secret);
        await _gate.Parked.WaitAsync(Wait);

        // What AdminService.RevokeToken does on this process: revoke, then invalidate the cache.
        await Registry.RevokeAsync(tokenId, "test", string.Empty);
        authenticator.Invalidate(tokenId);
        release.SetResult();

        // The lookup started before the revocation: its answer may be the old one, but it must not be kept.
        Assert.Equal(TokenRejection.None, (await inFlight.WaitAsync(Wait)).Rejection);
        Assert.Equal(TokenRejection.Revoked, (await authenticator.AuthenticateAsync(secret)).Rejection); // the race
    }

    [Fact]
    public async Task LookupInFlightDuringARevokeElsewhere_IsNotCachedOnceTheNewEpochIsKnown()
    {
        // Two authenticators over one cluster, as two gateways: the token is revoked "elsewhere" (no Invalidate here);
        // this process learns the new epoch from its watcher's poll while its lookup is parked.
        var openCalls = new OpenCallRegistry();
        var authenticator = new TokenAuthenticator(Grains, TimeProvider.System, openCalls);
        var watcher = Watcher(authenticator, openCalls);
        var elsewhere = new TokenAuthenticator(Grains, TimeProvider.System, new OpenCallRegistry());
        var (secret, tokenId) = await IssueAsync();
        Assert.Equal(TokenRejection.None, (await elsewhere.AuthenticateAsync(secret)).Rejection);

        var release = _gate.ParkNextLookup();
        var inFlight = authenticator.AuthenticateAsync(secret);
        await _gate.Parked.WaitAsync(Wait);
        await Registry.RevokeAsync(tokenId, "test", string.Empty);
        elsewhere.Invalidate(tokenId);
        await watcher.PollOnceAsync();
        Assert.Equal(1, authenticator.SeenEpoch);
        release.SetResult();

        // Fetched under epoch 0 after epoch 1 was seen: not trusted, asked again, and the fresh answer is Revoked.
        Assert.Equal(TokenRejection.Revoked, (await inFlight.WaitAsync(Wait)).Rejection);
        Assert.Equal(TokenRejection.Revoked, (await authenticator.AuthenticateAsync(secret)).Rejection); // the race
        Assert.Equal(TokenRejection.Revoked, (await elsewhere.AuthenticateAsync(secret)).Rejection);
    }

    [Fact]
    public async Task CachedRecord_IsNotTrustedOnceANewerEpochIsSeen_AndTheWatcherEndsOpenCalls()
    {
        var openCalls = new OpenCallRegistry();
        var authenticator = new TokenAuthenticator(Grains, TimeProvider.System, openCalls);
        var watcher = Watcher(authenticator, openCalls);
        var (secret, tokenId) = await IssueAsync();
        Assert.Equal(TokenRejection.None, (await authenticator.AuthenticateAsync(secret)).Rejection);
        using var open = openCalls.Register(tokenId, TokenSecrets.Hash(secret), null, CancellationToken.None);

        await Registry.RevokeAsync(tokenId, "test", string.Empty);
        Assert.Equal(TokenRejection.None, (await authenticator.AuthenticateAsync(secret)).Rejection); // cached, nothing seen yet
        Assert.False(open.Ended.IsCancellationRequested);

        await watcher.PollOnceAsync();
        Assert.True(open.Ended.IsCancellationRequested);
        Assert.Equal(TokenRejection.Revoked, open.EndReason);
        Assert.Equal(TokenRejection.Revoked, (await authenticator.AuthenticateAsync(secret)).Rejection);
        Assert.Equal(1, watcher.AppliedEpoch);
    }

    private TokenRevocationWatcher Watcher(TokenAuthenticator authenticator, OpenCallRegistry openCalls) =>
        new(Grains, authenticator, openCalls, Options.Create(new TokenRevocationOptions()), TimeProvider.System, NullLogger<TokenRevocationWatcher>.Instance);

    private async Task<(string Secret, string TokenId)> IssueAsync()
    {
        var secret = TokenSecrets.NewSecret();
        var record = await Registry.IssueAsync(new TokenIssue(TokenSecrets.Hash(secret), TokenRole.NetworkViewer, string.Empty, "raced", null, "test"));
        return (secret, record.TokenId);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Parks the next registry lookup after it has read the record, until released.</summary>
    private sealed class LookupGate : IIncomingGrainCallFilter
    {
        private TaskCompletionSource? _release;
        private TaskCompletionSource _parked = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Completes when the armed lookup has read its record and is parked.</summary>
        public Task Parked => _parked.Task;

        /// <summary>Arms the gate for the next lookup; complete the result to let it return.</summary>
        public TaskCompletionSource ParkNextLookup()
        {
            _parked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            var release = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            Volatile.Write(ref _release, release);
            return release;
        }

        public void ReleaseAll() => Interlocked.Exchange(ref _release, null)?.TrySetResult();

        public async Task Invoke(IIncomingGrainCallContext context)
        {
            await context.Invoke();
            if (context.InterfaceMethod?.Name is nameof(ITokenRegistryGrain.LookupWithEpochAsync) or nameof(ITokenRegistryGrain.LookupAsync)
                && Interlocked.Exchange(ref _release, null) is { } release)
            {
                _parked.TrySetResult();
                await release.Task;
            }
        }
    }
}
