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
using StriveNetwork.Gateway.Interceptors;
using StriveNetwork.Gateway.Tokens;
using StriveNetwork.Gateway.V1;
using StriveNetwork.Grains;
using StriveNetwork.Providers.Sqlite;

namespace StriveNetwork.Gateway.Tests;

/// <summary>
/// An ETag conflict through the real SQLite grain storage: another writer bumps the stored version behind an active
/// grain, whose next write is refused by the provider (InconsistentStateException, wrapped by Orleans). The client gets
/// ABORTED with a re-read-and-retry message, and the retry succeeds.
/// </summary>
public sealed class StorageConflictTests : IAsyncLifetime
{
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
            .AddSqliteGrainStorageAsDefault(o => o.FilePath = File)
            .UseInMemoryReminderService());
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
        Assert.Equal((StatusCode.Aborted, GrainErrorInterceptor.ConcurrentChangeMessage), (code, message));

        // The failed write dropped the activation: the retry reads the stored state afresh and goes through.
        Assert.Equal(1, (await channel.CallAsync<RecordAssessmentRequest, RecordAssessmentResponse>(_admin, "PartnershipService/RecordAssessment", assessment)).RecordedCount);
    }

    private static int FreeLoopbackPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
