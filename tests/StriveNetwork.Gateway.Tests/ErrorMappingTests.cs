using Grpc.Core;
using Microsoft.Extensions.Logging;
using Orleans.Storage;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains.Abstractions;
using StriveNetwork.Providers;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// Storage and concurrency failures reach the client with the status the API promises, however Orleans wraps them,
/// and no status message is longer than 300 characters.
/// </summary>
public sealed class ErrorMappingTests : IAsyncLifetime
{
    private BareGateway _gateway = null!;

    public async Task InitializeAsync() => _gateway = await BareGateway.StartAsync();

    public async Task DisposeAsync() => await _gateway.DisposeAsync();

    public static TheoryData<string> Wrappings => ["bare", "orleans", "aggregate"];

    [Theory]
    [MemberData(nameof(Wrappings))]
    public async Task StorageFull_IsResourceExhausted(string wrapping)
    {
        _gateway.Grains.Failure = () => Wrap(new GrainStorageFullException("SQLite grain storage 'Default' (file /data/strive.db) is full"), wrapping);
        Assert.Equal((StatusCode.ResourceExhausted, GrainErrorMapping.StorageFullMessage), await CallAsync());
        Assert.Contains(_gateway.Logs.Entries, e => e.EventId.Id == 6012 && e.Level == LogLevel.Warning);
    }

    [Theory]
    [MemberData(nameof(Wrappings))]
    public async Task StorageUnavailable_IsUnavailable(string wrapping)
    {
        _gateway.Grains.Failure = () => Wrap(new GrainStorageUnavailableException("PostgreSQL grain storage refused the connection"), wrapping);
        Assert.Equal((StatusCode.Unavailable, GrainErrorMapping.StorageUnavailableMessage), await CallAsync());
    }

    [Theory]
    [MemberData(nameof(Wrappings))]
    public async Task InconsistentState_IsAborted(string wrapping)
    {
        _gateway.Grains.Failure = () => Wrap(new InconsistentStateException("Version conflict", "r1", "r2"), wrapping);
        var (code, message) = await CallAsync();
        Assert.Equal(StatusCode.Aborted, code);
        Assert.Equal(GrainErrorMapping.ConcurrentChangeMessage, message);
        Assert.Contains("re-read and retry", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task WrappedDomainError_KeepsItsStatus()
    {
        _gateway.Grains.Failure = () => Wrap(new NotFoundException("Partnership 'alpha' does not exist."), "orleans");
        Assert.Equal((StatusCode.NotFound, "Partnership 'alpha' does not exist."), await CallAsync());
    }

    [Fact]
    public async Task LongStatusMessages_AreCutTo300Characters()
    {
        _gateway.Grains.Failure = () => new GrainValidationException("field", new string('x', 5_000));
        var (code, message) = await CallAsync();
        Assert.Equal(StatusCode.InvalidArgument, code);
        Assert.Equal(GrainErrorMapping.MaxMessageLength, message.Length);
        Assert.StartsWith("field: xxx", message, StringComparison.Ordinal);
        Assert.EndsWith("…", message, StringComparison.Ordinal);
    }

    private static Exception Wrap(Exception cause, string wrapping) => wrapping switch
    {
        // What Orleans' StateStorageBridge throws around a provider's exception.
        "orleans" => new OrleansException("Error from storage provider during WriteStateAsync for grain partnership/alpha", cause),
        "aggregate" => new AggregateException(new InvalidOperationException("first"), new OrleansException("wrapped", cause)),
        _ => cause,
    };

    // Any well-shaped secret: authenticating it is the first grain call, which throws the failure.
    private Task<(StatusCode Code, string Message)> CallAsync() =>
        _gateway.Channel.StatusOfAsync<GetPartnershipRequest, GetPartnershipResponse>(TokenSecrets.NewSecret(), "PartnershipService/GetPartnership", new() { PartnershipId = "alpha" });
}
