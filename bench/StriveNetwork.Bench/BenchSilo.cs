using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;

namespace StriveNetwork.Bench;

/// <summary>
/// A one-silo Orleans host on 127.0.0.1, started the way the silo executable starts one (localhost clustering, no
/// client gateway), whose <see cref="IGrainFactory"/> is the co-hosted client the gRPC front door uses.
/// </summary>
public sealed class BenchSilo : IDisposable
{
    private readonly IHost _host;

    private BenchSilo(IHost host) => _host = host;

    /// <summary>The silo's own grain factory: calls from outside any grain, as the gRPC services make them.</summary>
    public IGrainFactory Grains => _host.Services.GetRequiredService<IGrainFactory>();

    /// <summary>The silo's services (serializer, copier, ...).</summary>
    public IServiceProvider Services => _host.Services;

    /// <summary>Builds and starts the silo; <paramref name="configure"/> adds storage, reminders and grain services.</summary>
    public static BenchSilo Start(Action<ISiloBuilder> configure)
    {
        ArgumentNullException.ThrowIfNull(configure);
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        // Warnings only: Orleans' information logs on the console would interleave with BenchmarkDotNet's output and
        // cost time inside the measured calls.
        builder.Logging.AddConsole().SetMinimumLevel(LogLevel.Warning);
        builder.UseOrleans(silo =>
        {
            // A free silo port (not 11111) so that a bench can run beside a dev silo; gateway port 0 = no client
            // gateway, as in the silo executable: the only client is in-process.
            silo.UseLocalhostClustering(siloPort: FreePort(), gatewayPort: 0, serviceId: "strive-bench", clusterId: "strive-bench");
            silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
            configure(silo);
        });
        var host = builder.Build();
        host.StartAsync().GetAwaiter().GetResult();
        return new BenchSilo(host);
    }

    public void Dispose()
    {
        _host.StopAsync().GetAwaiter().GetResult();
        _host.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
