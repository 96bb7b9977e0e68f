using System.Net;
using System.Net.Sockets;

namespace StriveNetwork.Silo.Hosting;

/// <summary>Free TCP ports on 127.0.0.1, for the one-machine silo whose silo-to-silo port nobody else needs to know.</summary>
internal static class FreePort
{
    /// <summary><paramref name="configured"/> when it is set (non-zero), else a port the kernel reports free now.</summary>
    public static int Or(int configured)
    {
        if (configured != 0)
        {
            return configured;
        }

        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
