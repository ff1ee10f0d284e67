using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>A server process a fixture started on a loopback port: waits until it accepts connections, and kills
/// it (only it) on dispose.</summary>
public sealed class LoopbackServerProcess : IAsyncDisposable
{
    private readonly Process _process;

    private LoopbackServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>A port nobody listens on right now (the OS picks it).</summary>
    public static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    /// <summary>Starts the process and returns once 127.0.0.1:<paramref name="port"/> accepts connections.</summary>
    public static async Task<LoopbackServerProcess> StartAsync(ProcessStartInfo start, int port, CancellationToken cancellationToken)
    {
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var server = new LoopbackServerProcess(Process.Start(start)!, port);
        try
        {
            await server.WaitUntilListeningAsync(cancellationToken);
            return server;
        }
        catch
        {
            await server.DisposeAsync();
            throw;
        }
    }

    private async Task WaitUntilListeningAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(15));
        while (true)
        {
            if (_process.HasExited)
                throw new InvalidOperationException(
                    $"{_process.StartInfo.FileName} exited ({_process.ExitCode}): {await _process.StandardError.ReadToEndAsync(cancellationToken)}");
            try
            {
                using var client = new TcpClient();
                await client.ConnectAsync(IPAddress.Loopback, Port, timeout.Token);
                return;
            }
            catch (SocketException)
            {
                await Task.Delay(50, timeout.Token);
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }
}
