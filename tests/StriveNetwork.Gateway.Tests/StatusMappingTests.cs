using System.Text.RegularExpressions;
using Grpc.Core;
using Grpc.Health.V1;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using ServingStatus = Grpc.Health.V1.HealthCheckResponse.Types.ServingStatus;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// The interceptors and health on the gateway alone, with a grain factory that throws on demand: what a client sees
/// for unexpected and transient failures, what is logged, and how health follows the host.
/// </summary>
public sealed partial class StatusMappingTests : IAsyncLifetime
{
    private BareGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await BareGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    // Any well-shaped secret: authenticating it is the first grain call of every strive.v1 call.
    private Task<(StatusCode Code, string Message)> CallAsync(string partnershipId = "alpha") =>
        _gateway.Channel.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(TokenSecrets.NewSecret(), "PartnershipService/GetPartnership", new() { PartnershipId = partnershipId });

    [Fact]
    public async Task UnknownException_IsInternal_WithAnErrorIdThatIsLogged_AndNoExceptionText()
    {
        _gateway.Grains.Failure = () => new InvalidOperationException("connection string Password=hunter2 rejected");
        var (code, message) = await CallAsync();

        Assert.Equal(StatusCode.Internal, code);
        var match = ErrorId().Match(message);
        Assert.True(match.Success, message);
        Assert.DoesNotContain("hunter2", message, StringComparison.Ordinal);
        Assert.DoesNotContain("InvalidOperationException", message, StringComparison.Ordinal);
        Assert.DoesNotContain(" at ", message, StringComparison.Ordinal);

        var logged = Assert.Single(_gateway.Logs.Entries, e => e.EventId.Id == 6011);
        Assert.Equal(LogLevel.Error, logged.Level);
        Assert.Contains(match.Groups["id"].Value, logged.Message, StringComparison.Ordinal);
        Assert.IsType<InvalidOperationException>(logged.Exception);
    }

    [Fact]
    public async Task ErrorIds_DifferPerFailure()
    {
        var first = ErrorId().Match((await CallAsync()).Message).Groups["id"].Value;
        var second = ErrorId().Match((await CallAsync()).Message).Groups["id"].Value;
        Assert.NotEqual("", first);
        Assert.NotEqual(first, second);
    }

    [Fact]
    public async Task OrleansTimeout_IsUnavailable_WithRetry()
    {
        _gateway.Grains.Failure = () => new TimeoutException("Response did not arrive on time");
        Assert.Equal((StatusCode.Unavailable, "the service did not answer in time; retry"), await CallAsync());
    }

    [Fact]
    public async Task QuotaExceeded_IsResourceExhausted_WithTheGrainsMessage()
    {
        _gateway.Grains.Failure = () => new StriveNetwork.Grains.Abstractions.QuotaExceededException("systems_change_examples: at most 500");
        Assert.Equal((StatusCode.ResourceExhausted, "systems_change_examples: at most 500"), await CallAsync());
    }

    [Fact]
    public async Task SiloUnavailable_IsUnavailable_WithRetry()
    {
        // A kind of OrleansMessageRejectionException, whose own constructors Orleans keeps to itself.
        _gateway.Grains.Failure = () => new SiloUnavailableException("silo S127.0.0.1:11111 is dead");
        Assert.Equal((StatusCode.Unavailable, "the service is temporarily unavailable; retry"), await CallAsync());
    }

    [Fact]
    public async Task Logs_CarryMethodsAndStatuses_NeverRequestData()
    {
        var secret = TokenSecrets.NewSecret();
        await _gateway.Channel.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(secret, "PartnershipService/GetPartnership", new() { PartnershipId = "private-partnership" });
        await _gateway.Channel.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(null, "PartnershipService/GetPartnership", new() { PartnershipId = "Not_An_Id" });

        var ours = _gateway.Logs.Entries.Where(e => e.Category.StartsWith("StriveNetwork.", StringComparison.Ordinal)).ToList();
        Assert.Contains(ours, e => e.EventId.Id == 6021 && e.Message.Contains("/strive.v1.PartnershipService/GetPartnership", StringComparison.Ordinal) && e.Message.Contains("Internal", StringComparison.Ordinal));
        Assert.Contains(ours, e => e.EventId.Id == 6000);
        Assert.All(ours, e => Assert.InRange(e.EventId.Id, 6000, 6099));
        foreach (var text in new[] { secret, TokenSecrets.Hash(secret), "private-partnership", "Not_An_Id" })
        {
            Assert.DoesNotContain(ours, e => e.Message.Contains(text, StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Health_IsNotServingUntilTheSiloIsReady_AndAgainWhileStopping()
    {
        var health = new Health.HealthClient(_gateway.Channel);
        var deadline = DateTime.UtcNow + StriveCalls.Timeout;
        using var timeout = new CancellationTokenSource(StriveCalls.Timeout);
        using var watch = health.Watch(new HealthCheckRequest { Service = "strive.v1.NetworkService" }, cancellationToken: timeout.Token);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), deadline: deadline)).Status);

        var gatewayHealth = _gateway.Services.GetRequiredService<GatewayHealth>();
        gatewayHealth.SetServing(true);
        Assert.Equal(ServingStatus.Serving, (await health.CheckAsync(new HealthCheckRequest(), deadline: deadline)).Status);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.Serving, watch.ResponseStream.Current.Status);

        // Stopping: NOT_SERVING even though the silo still says ready, and watchers are told, then let go.
        _gateway.BeginStopping();
        Assert.Equal(ServingStatus.NotServing, (await health.CheckAsync(new HealthCheckRequest(), deadline: deadline)).Status);
        Assert.True(await watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal(ServingStatus.NotServing, watch.ResponseStream.Current.Status);
        var ended = await Assert.ThrowsAsync<RpcException>(() => watch.ResponseStream.MoveNext(timeout.Token));
        Assert.Equal((StatusCode.Unavailable, GatewayErrors.ShuttingDownMessage), (ended.StatusCode, ended.Status.Detail));

        gatewayHealth.SetServing(true);
        Assert.False(gatewayHealth.IsServing);
    }

    [GeneratedRegex(@"^internal error \(error id (?<id>[0-9a-f]{12})\); the server logged the details$")]
    private static partial Regex ErrorId();
}
