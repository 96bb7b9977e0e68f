using System.Net;
using System.Net.Sockets;
using Grpc.Health.V1;
using Grpc.HealthCheck;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using StriveNetwork.Bench.BareOrleans;

// Usage: StriveNetwork.Bench.BareOrleans <grpc-port>
// The cold-start baseline: a bare Orleans 10 silo (localhost clustering, no client gateway, no storage) with one
// grain, co-hosted with grpc.health.v1 on Kestrel h2c on 127.0.0.1:<grpc-port>, as the StriveNetwork silo is. Health
// answers NOT_SERVING until the host has started and the grain has answered one call, then SERVING: the same readiness
// point bench/coldstart/run.sh waits for on the silo (health SERVING once the silo can serve grain calls). Prints
// "bare orleans listening on 127.0.0.1:PORT" once SERVING; stops on SIGTERM.
if (args.Length != 1 || !int.TryParse(args[0], System.Globalization.CultureInfo.InvariantCulture, out var port) || port is < 1 or > 65535)
{
    await Console.Error.WriteLineAsync("usage: StriveNetwork.Bench.BareOrleans <grpc-port>").ConfigureAwait(false);
    return 2;
}

var builder = WebApplication.CreateSlimBuilder(args[..0]);
builder.Logging.SetMinimumLevel(LogLevel.Warning);
builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => listen.Protocols = HttpProtocols.Http2));
builder.UseOrleans(silo => silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0, serviceId: "bare-orleans", clusterId: "bare-orleans"));
builder.Services.AddGrpc();
var health = new HealthServiceImpl();
health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.NotServing);
builder.Services.AddSingleton(health);
await using var app = builder.Build();
app.MapGrpcService<HealthServiceImpl>();
await app.StartAsync().ConfigureAwait(false);

var answer = await app.Services.GetRequiredService<IGrainFactory>().GetGrain<IPingGrain>(0).PingAsync(1).ConfigureAwait(false);
if (answer != 1)
{
    await Console.Error.WriteLineAsync($"the grain answered {answer}, not 1").ConfigureAwait(false);
    return 1;
}

health.SetStatus(string.Empty, HealthCheckResponse.Types.ServingStatus.Serving);
await Console.Out.WriteLineAsync($"bare orleans listening on 127.0.0.1:{port}").ConfigureAwait(false);
await Console.Out.FlushAsync().ConfigureAwait(false);
await app.WaitForShutdownAsync().ConfigureAwait(false);
return 0;

// A free TCP port for silo-to-silo traffic (nobody connects to it: one silo), as the silo's FreePort does.
static int FreePort()
{
    using var listener = new TcpListener(IPAddress.Loopback, 0);
    listener.Start();
    return ((IPEndPoint)listener.LocalEndpoint).Port;
}

namespace StriveNetwork.Bench.BareOrleans
{
    /// <summary>The one grain of the bare silo.</summary>
    public interface IPingGrain : IGrainWithIntegerKey
    {
        /// <summary>Returns <paramref name="value"/>.</summary>
        Task<int> PingAsync(int value);
    }

    /// <summary>Answers its argument: one activation, one call, so the silo has really served a grain.</summary>
    public sealed class PingGrain : Grain, IPingGrain
    {
        /// <inheritdoc />
        public Task<int> PingAsync(int value) => Task.FromResult(value);
    }
}
