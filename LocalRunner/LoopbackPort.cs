using System.Net;
using System.Net.Sockets;

namespace BitrixRetailCrm.LocalRunner;

public static class LoopbackPort
{
    /// <summary>A loopback port free right now, for a child process that cannot report the one it was given.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
