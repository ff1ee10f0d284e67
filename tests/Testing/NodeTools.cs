using System.Diagnostics;

namespace Tide.Testing;

/// <summary>
/// The npm packages the fixtures run (s3rver, azurite), installed into the repository's git-ignored .tools/ when
/// missing. They are always installed together by one command, as test.sh does: a later `npm install --no-save`
/// of one package would prune the other.
/// </summary>
public static class NodeTools
{
    public static readonly string[] Packages = ["s3rver@3", "azurite@3"];

    private static readonly SemaphoreSlim InstallLock = new(1, 1);

    /// <summary>The path of <paramref name="script"/> (relative to .tools/node_modules), installing the packages
    /// first when it is missing.</summary>
    public static async Task<string> ScriptAsync(string script, CancellationToken cancellationToken)
    {
        var tools = Path.Combine(TestPaths.RepositoryRoot, ".tools");
        var path = Path.Combine(tools, "node_modules", script);
        await InstallLock.WaitAsync(cancellationToken);
        try
        {
            if (File.Exists(path))
                return path;
            using var npm = Process.Start(new ProcessStartInfo("npm", ["install", "--no-save", "--prefix", tools, .. Packages])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            }) ?? throw new InvalidOperationException("npm did not start (apt-get install npm)");
            var output = npm.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = await npm.StandardError.ReadToEndAsync(cancellationToken);
            await npm.WaitForExitAsync(cancellationToken);
            if (npm.ExitCode != 0 || !File.Exists(path))
                throw new InvalidOperationException($"npm install {string.Join(' ', Packages)} failed: {error}{await output}");
            return path;
        }
        finally
        {
            InstallLock.Release();
        }
    }
}
