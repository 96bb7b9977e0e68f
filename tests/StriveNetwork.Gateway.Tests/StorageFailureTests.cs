using System.Net;
using System.Net.Sockets;
using Grpc.Core;
using Grpc.Net.Client;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Data.Sqlite;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using StriveNetwork.Gateway.Errors;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains;
using Orleans.Providers;
using Orleans.Runtime.Hosting;
using Orleans.Storage;
using StriveNetwork.Providers;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// Storage failures through a real silo on the real SQLite grain storage, as Orleans delivers them to the gateway
/// (wrapped by its storage bridge): an ETag conflict (another writer bumped the stored version behind an active grain)
/// is ABORTED and the retry succeeds; a full or unreachable store (the provider's exceptions, thrown on demand by a
/// wrapper around it) is RESOURCE_EXHAUSTED or UNAVAILABLE, nothing is written, and the next call goes through.
/// </summary>
public sealed class StorageFailureTests : IAsyncLifetime
{
    private readonly FailingWrites _failingWrites = new();
    private readonly string _directory = Directory.CreateTempSubdirectory("strive-gw-conflict-").FullName;
    private WebApplication? _app;
    private GrpcChannel? _channel;
    private string _admin = "";

    private string File => Path.Combine(_directory, "strive.db");

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(k => k.Listen(IPAddress.Loopback, 0, o => o.Protocols = HttpProtocols.Http2));
        builder.Host.UseOrleans(silo => silo
            .UseLocalhostClustering(siloPort: FreeLoopbackPort(), gatewayPort: 0, serviceId: "strive-gateway-conflict", clusterId: "gwc-" + Guid.NewGuid().ToString("N"))
            .AddSqliteGrainStorage("sqlite", o => o.FilePath = File)
            .UseInMemoryReminderService());
        builder.Services.AddGrainStorage(
            ProviderConstants.DEFAULT_STORAGE_PROVIDER_NAME,
            (services, _) => new FailingGrainStorage(services.GetRequiredKeyedService<IGrainStorage>("sqlite"), _failingWrites));
        builder.Services.AddStriveGrains(s => s.MinimumN = 10);
        builder.Services.AddStriveGateway();
        _app = builder.Build();
        _app.MapStriveGateway();
        await _app.StartAsync();
        _channel = GrpcChannel.ForAddress(_app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First());
        _admin = (await _app.Services.GetRequiredService<TokenIssuer>().BootstrapAsync())!.Secret;
    }

    public async Task DisposeAsync()
    {
        _channel?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }

        SqliteConnection.ClearAllPools();
        Directory.Delete(_directory, recursive: true);
    }

    [Fact]
    public async Task StoredVersionChangedBehindTheGrain_IsAborted_AndTheRetrySucceeds()
    {
        var channel = _channel!;
        await channel.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(_admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = "conflict", Profile = GatewayFixture.Profile("toa-6g") });

        // Another writer (a stale activation elsewhere, say) wrote the row since the grain read it.
        await using (var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = File, Pooling = false }.ToString()))
        {
            await connection.OpenAsync();
            await using var bump = connection.CreateCommand();
            bump.CommandText = "UPDATE grain_state SET version = version + 1 WHERE state_name = 'partnership'";
            Assert.Equal(1, await bump.ExecuteNonQueryAsync());
        }

        var assessment = new RecordAssessmentRequest { PartnershipId = "conflict" };
        assessment.Assessments.Add(GatewayFixture.Assessment(GatewayFixture.Benchmark, BenchmarkStatus.Met));
        var (code, message) = await channel.StatusOfAsync<RecordAssessmentRequest, RecordAssessmentResponse>(_admin, "PartnershipService/RecordAssessment", assessment);
        Assert.Equal((StatusCode.Aborted, GrainErrorMapping.ConcurrentChangeMessage), (code, message));

        // The failed write dropped the activation: the retry reads the stored state afresh and goes through.
        Assert.Equal(1, (await channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(_admin, "PartnershipService/RecordAssessment", assessment)).RecordedCount);
    }

    [Theory]
    [InlineData("full", StatusCode.ResourceExhausted, GrainErrorMapping.StorageFullMessage)]
    [InlineData("unavailable", StatusCode.Unavailable, GrainErrorMapping.StorageUnavailableMessage)]
    public async Task StoreFullOrUnavailable_GetsItsStatus_WritesNothing_AndTheNextCallGoesThrough(string failure, StatusCode expected, string expectedMessage)
    {
        var channel = _channel!;
        await channel.CallAsync<RegisterPartnershipRequest, RegisterPartnershipResponse>(_admin, "PartnershipService/RegisterPartnership", new() { PartnershipId = "failing", Profile = GatewayFixture.Profile("toa-6g") });
        var before = await channel.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(_admin, "PartnershipService/GetPartnership", new() { PartnershipId = "failing" });
        var assessment = new RecordAssessmentRequest { PartnershipId = "failing" };
        assessment.Assessments.Add(GatewayFixture.Assessment(GatewayFixture.Benchmark, BenchmarkStatus.Met));

        _failingWrites.Next = failure == "full"
            ? () => new GrainStorageFullException("SQLite grain storage 'Default' is full")
            : () => new GrainStorageUnavailableException("SQLite grain storage 'Default' cannot be opened");
        var (code, message) = await channel.StatusOfAsync<RecordAssessmentRequest, RecordAssessmentResponse>(_admin, "PartnershipService/RecordAssessment", assessment);
        Assert.Equal((expected, expectedMessage), (code, message));

        _failingWrites.Next = null;
        var after = await channel.CallAsync<GetPartnershipRequest, GetPartnershipResponse>(_admin, "PartnershipService/GetPartnership", new() { PartnershipId = "failing" });
        Assert.Equal(before.Partnership.Etag, after.Partnership.Etag);
        Assert.Equal(1, (await channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(_admin, "PartnershipService/RecordAssessment", assessment)).RecordedCount);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

/// <summary>What the next state write throws (null: writes go through).</summary>
public sealed class FailingWrites
{
    public Func<Exception>? Next { get; set; }
}

/// <summary>The real storage, whose writes throw <see cref="FailingWrites.Next"/> while it is set (as the provider would, before writing anything).</summary>
public sealed class FailingGrainStorage(IGrainStorage inner, FailingWrites failing) : IGrainStorage
{
    public Task ReadStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ReadStateAsync(stateName, grainId, grainState);

    public Task WriteStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) =>
        failing.Next is { } failure ? Task.FromException(failure()) : inner.WriteStateAsync(stateName, grainId, grainState);

    public Task ClearStateAsync<T>(string stateName, GrainId grainId, IGrainState<T> grainState) => inner.ClearStateAsync(stateName, grainId, grainState);
}
