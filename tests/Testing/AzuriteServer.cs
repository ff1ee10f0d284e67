using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// Azurite's Blob service (npm `azurite`, Microsoft's Azure Storage emulator) on a free loopback port with a
/// temporary data directory, installed with <see cref="NodeTools"/> when missing. It serves the well-known
/// development account, path-style ("http://127.0.0.1:&lt;port&gt;/devstoreaccount1"), and checks Shared Key and
/// SAS signatures.
/// </summary>
public sealed class AzuriteServer : IAsyncDisposable
{
    /// <summary>The emulator's development account and its published key.</summary>
    public const string AccountName = "devstoreaccount1";
    public const string AccountKey = "Eby8vdM02xNOcqFlqUwJPLlmEtlCDXJ1OUzFT50uSRZ6IFsuFq2UVErCz4I6tq/K1SZFPTOtr/KBHBeksoGMGw==";

    private readonly LoopbackServerProcess _process;
    private readonly string _root;

    private AzuriteServer(string root, LoopbackServerProcess process)
    {
        _root = root;
        _process = process;
    }

    /// <summary>The account's blob endpoint, a Bucket's spec.endpoint.</summary>
    public string Endpoint => $"http://127.0.0.1:{_process.Port}/{AccountName}";

    public static async Task<AzuriteServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var script = await NodeTools.ScriptAsync(Path.Combine("azurite", "dist", "src", "blob", "main.js"), cancellationToken);
        var root = Directory.CreateTempSubdirectory("tide-azurite-").FullName;
        var port = FreePort.Next();
        // --skipApiVersionCheck: accept any x-ms-version; --disableTelemetry: Azurite talks to nothing but its clients.
        try
        {
            var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo("node", [
                script, "--blobHost", "127.0.0.1", "--blobPort", port.ToString(), "--location", root,
                "--silent", "--skipApiVersionCheck", "--disableTelemetry",
            ]), port, cancellationToken);
            return new AzuriteServer(root, process);
        }
        catch
        {
            TempDirectory.DeleteQuietly(root);
            throw;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
