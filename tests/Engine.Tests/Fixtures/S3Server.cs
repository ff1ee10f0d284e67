using System.Diagnostics;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>
/// `s3rver` (npm; an S3 API emulator) on a free loopback port with a temporary data directory and one bucket.
/// It is installed into the repository's git-ignored .tools/ when missing. Objects are uploaded with curl's own SigV4
/// signing, so the tests never rely on Tide's S3 code to set up what Tide's S3 code reads.
/// </summary>
public sealed class S3Server : IAsyncDisposable
{
    /// <summary>The account s3rver creates by default.</summary>
    public const string AccessKey = "S3RVER";
    public const string SecretKey = "S3RVER";

    private static readonly SemaphoreSlim InstallLock = new(1, 1);
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
        var script = await InstallAsync(cancellationToken);
        var root = Directory.CreateTempSubdirectory("tide-s3-").FullName;
        var port = LoopbackServerProcess.FreePort();
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

    /// <summary>The s3rver entry script, installed with npm into .tools/ under the repository when missing.</summary>
    private static async Task<string> InstallAsync(CancellationToken cancellationToken)
    {
        var tools = Path.Combine(TestPaths.RepositoryRoot, ".tools");
        var script = Path.Combine(tools, "node_modules", "s3rver", "bin", "s3rver.js");
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(script))
                return script;
            using var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--no-save", "--prefix", tools, "s3rver@3"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("npm did not start (apt-get install npm)");
            var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = await npm.StandardError.ReadToEndAsync(cancellationToken);
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0 || !File.Exists(script))
                throw new InvalidOperationException($"npm install s3rver failed: {error}{await output}");
            return script;
        }
        finally
        {
            InstallLock.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _process.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
