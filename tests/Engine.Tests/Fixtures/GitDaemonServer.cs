using System.Diagnostics;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>Serves bare repositories over the git:// protocol with `git daemon` on a free loopback port.</summary>
public sealed class GitDaemonServer : IAsyncDisposable
{
    private readonly LoopbackServerProcess _daemon;
    private readonly string _root;

    private GitDaemonServer(string root, LoopbackServerProcess daemon)
    {
        _root = root;
        _daemon = daemon;
    }

    public string RepositoriesDirectory => _root;

    public string UrlFor(string repository) => $"git://127.0.0.1:{_daemon.Port}/{repository}";

    public static async Task<GitDaemonServer> StartAsync(CancellationToken cancellationToken = default)
    {
        var root = Directory.CreateTempSubdirectory("tide-git-daemon-").FullName;
        var port = LoopbackServerProcess.FreePort();
        var start = new ProcessStartInfo("git",
            ["daemon", "--reuseaddr", "--export-all", "--informative-errors", $"--base-path={root}", "--listen=127.0.0.1", $"--port={port}", root]);
        var process = await LoopbackServerProcess.StartAsync(start, port, cancellationToken);
        return new GitDaemonServer(root, process);
    }

    /// <summary>Creates an empty bare repository and returns its path (push to it with the git CLI).</summary>
    public async Task<string> CreateBareRepositoryAsync(string name)
    {
        var path = Path.Combine(_root, name);
        Directory.CreateDirectory(path);
        await GitCli.RunAsync(path, "init", "-q", "--bare");
        return path;
    }

    public async ValueTask DisposeAsync()
    {
        await _daemon.DisposeAsync();
        TempDirectory.DeleteQuietly(_root);
    }
}
