using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// `s3rver` (npm; an S3 API emulator) on a free loopback port with a temporary data directory and one bucket.
/// It is installed with <see cref="NodeTools"/> when missing. Objects are uploaded with curl's own SigV4
/// signing, so the tests never rely on Tide's S3 code to set up what Tide's S3 code reads.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    /// <summary>The account s3rver creates by default.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private readonly LoopbackServerProcess _process;
    private readonly string _root;

    private S3Server(string root, string bucket, LoopbackServerProcess process)
    {
        _root = root;
        Bucket = bucket;
        _process = process;
    }

    public string Bucket { get; }

    /// <summary>"127.0.0.1:&lt;port&gt;", a Bucket's spec.endpoint (with insecure: true).</summary>
    public string Endpoint => $"127.0.0.1:{_process.Port}";

    public static async Task<S3Server> StartAsync(string bucket, CancellationToken cancellationToken = default)
    {
        var script = await NodeTools.ScriptAsync(Path.Combine("s3rver", "bin", "s3rver.js"), cancellationToken);
        var root = Directory.CreateTempSubdirectory("tide-s3-").FullName;
        var port = FreePort.Next();
        var process = await LoopbackServerProcess.StartAsync(new ProcessStartInfo("node",
            [script, "-d", root, "-a", "127.0.0.1", "-p", port.ToString(), "-s", "--configure-bucket", bucket]), port, cancellationToken);
        return new S3Server(root, bucket, process);
    }

    /// <summary>Uploads (or replaces) an object.</summary>
    public async Task PutAsync(string key, string content)
    {
        var file = Path.Combine(_root, "upload-" + Guid.NewGuid().ToString("N"));
        await File.WriteAllTextAsync(file, content);
        try
        {
            await CurlAsync("-T", file, ObjectUrl(key));
        }
        finally
        {
            File.Delete(file);
        }
    }

    public Task DeleteAsync(string key) => CurlAsync("-X", "DELETE", ObjectUrl(key));

    private string ObjectUrl(string key) =>
        $"http://{Endpoint}/{Bucket}/{string.Join('/', key.Split('/').Select(Uri.EscapeDataString))}";

    private static async Task CurlAsync(params string[] arguments)
    {
        var start = new ProcessStartInfo("curl", [
            "-sS", "--fail-with-body", "--aws-sigv4", "aws:amz:us-east-1:s3", "--user", $"{AccessKey}:{SecretKey}",
            "-H", "x-amz-content-sha256: UNSIGNED-PAYLOAD", .. arguments,
        ])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var curl = Process.Start(start)!;
        var output = curl.StandardOutput.ReadToEndAsync();
        var error = await curl.StandardError.ReadToEndAsync();
        await curl.WaitForExitAsync();
        if (curl.ExitCode != 0)
            throw new InvalidOperationException($"curl {string.Join(' ', arguments)} failed: {error}{await output}");
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
