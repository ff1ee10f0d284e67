using System.Diagnostics;
using System.Text;

namespace Tide.Host.Cli.Bootstrap;

/// <summary>
/// A clone of the bootstrap repository, driven with the git CLI: credentials go through the child's environment
/// (an Authorization header for HTTP basic auth, GIT_SSH_COMMAND with the private key for SSH), never through argv
/// or the URL, and never into an error message.
/// </summary>
public sealed class GitWorkspace : IDisposable
{
    private const int PushAttempts = 5;
    private readonly DirectoryInfo _root;
    private readonly Dictionary<string, string> _environment = new() { ["GIT_TERMINAL_PROMPT"] = "0" };
    private readonly string _url;
    private readonly string _branch;

    private GitWorkspace(string url, string branch)
    {
        _url = url;
        _branch = branch;
        _root = Directory.CreateTempSubdirectory("tide-bootstrap-");
    }

    /// <summary>The working tree.</summary>
    public string Path => System.IO.Path.Combine(_root.FullName, "repository");

    /// <summary>Clones the branch; a repository without it (empty, or a new branch) starts the branch.</summary>
    public static async Task<GitWorkspace> CloneAsync(string url, string branch, string? username, string? password,
        string? privateKeyFile, CancellationToken ct)
    {
        var workspace = new GitWorkspace(url, branch);
        try
        {
            workspace.Configure(username, password, privateKeyFile);
            var heads = await workspace.RunAsync(workspace._root.FullName, ct, "ls-remote", "--heads", url, branch);
            if (heads.Trim().Length > 0)
                await workspace.RunAsync(workspace._root.FullName, ct, "clone", "--quiet", "--branch", branch, "--single-branch", url, workspace.Path);
            else
            {
                await workspace.RunAsync(workspace._root.FullName, ct, "init", "--quiet", "--initial-branch", branch, workspace.Path);
                await workspace.RunAsync(workspace.Path, ct, "remote", "add", "origin", url);
            }
            return workspace;
        }
        catch
        {
            workspace.Dispose();
            throw;
        }
    }

    private void Configure(string? username, string? password, string? privateKeyFile)
    {
        if (username is not null || password is not null)
        {
            var basic = Convert.ToBase64String(Encoding.UTF8.GetBytes($"{username}:{password}"));
            _environment["GIT_CONFIG_COUNT"] = "1";
            _environment["GIT_CONFIG_KEY_0"] = "http.extraHeader";
            _environment["GIT_CONFIG_VALUE_0"] = "Authorization: Basic " + basic;
        }
        if (privateKeyFile is not null)
        {
            // The host's key is learnt on first contact, into a file of this workspace only (as flux does with
            // the keys it scans); the user's own known_hosts is neither read nor changed.
            var knownHosts = System.IO.Path.Combine(_root.FullName, "known_hosts");
            _environment["GIT_SSH_COMMAND"] =
                $"ssh -i '{System.IO.Path.GetFullPath(privateKeyFile)}' -o IdentitiesOnly=yes -o BatchMode=yes " +
                $"-o StrictHostKeyChecking=accept-new -o UserKnownHostsFile='{knownHosts}'";
        }
    }

    public void Write(string relativePath, string content)
    {
        var full = System.IO.Path.Combine(Path, relativePath);
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
        File.WriteAllText(full, content);
    }

    /// <summary>Commits what changed under <paramref name="directory"/>; null when nothing did.</summary>
    public async Task<string?> CommitAsync(string directory, string message, CancellationToken ct)
    {
        await RunAsync(Path, ct, "add", "--all", "--", directory);
        if ((await TryRunAsync(Path, ct, "diff", "--cached", "--quiet")).ExitCode == 0)
            return null;
        await RunAsync(Path, ct, "-c", "user.name=Tide", "-c", "user.email=tide@users.noreply.local", "commit", "--quiet", "-m", message);
        return (await RunAsync(Path, ct, "rev-parse", "HEAD")).Trim();
    }

    /// <summary>Pushes the branch; when someone pushed meanwhile, rebases onto theirs and tries again.</summary>
    public async Task<string> PushAsync(CancellationToken ct)
    {
        for (var attempt = 1; ; attempt++)
        {
            var push = await TryRunAsync(Path, ct, "push", "--quiet", "origin", $"HEAD:refs/heads/{_branch}");
            if (push.ExitCode == 0)
                return await HeadAsync(ct);
            if (!LostRace(push.Stderr) || attempt == PushAttempts)
                throw Failure("push", push.Stderr);
            CliConsole.Action($"\"{_branch}\" moved meanwhile: rebasing onto it and pushing again");
            await RunAsync(Path, ct, "-c", "user.name=Tide", "-c", "user.email=tide@users.noreply.local", "pull", "--quiet", "--rebase", "origin", _branch);
        }
    }

    /// <summary>Whether a push failed only because the branch moved meanwhile: seen before pushing (non-fast-forward)
    /// or while the server updated the ref (its compare-and-swap failed). A hook's refusal is not retried.</summary>
    private static bool LostRace(string stderr) =>
        stderr.Contains("[rejected]", StringComparison.Ordinal) ||
        stderr.Contains("cannot lock ref", StringComparison.Ordinal) ||
        stderr.Contains("failed to update ref", StringComparison.Ordinal);

    public async Task<string> HeadAsync(CancellationToken ct) => (await RunAsync(Path, ct, "rev-parse", "HEAD")).Trim();

    private async Task<string> RunAsync(string directory, CancellationToken ct, params string[] args)
    {
        var result = await TryRunAsync(directory, ct, args);
        // The verb is the first word that is neither an option nor a -c setting.
        return result.ExitCode == 0 ? result.Stdout
            : throw Failure(args.First(a => !a.StartsWith('-') && !a.Contains('=')), result.Stderr);
    }

    private CliException Failure(string verb, string stderr)
    {
        // The server's reason first: a rejected ref and what the server said, else git's own fatal/error line.
        var lines = stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var rejected = lines.Where(l => l.Contains("rejected]", StringComparison.Ordinal) || l.StartsWith("remote:", StringComparison.Ordinal)).ToList();
        var cause = rejected.Count > 0 ? string.Join("; ", rejected.TakeLast(3))
            : lines.LastOrDefault(l => l.StartsWith("fatal:", StringComparison.Ordinal) || l.StartsWith("error:", StringComparison.Ordinal))
              ?? lines.LastOrDefault() ?? "";
        return new CliException($"git {verb} {_url} failed: {cause}");
    }

    private async Task<(int ExitCode, string Stdout, string Stderr)> TryRunAsync(string directory, CancellationToken ct, params string[] args)
    {
        var info = new ProcessStartInfo("git")
        {
            WorkingDirectory = directory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var arg in args)
            info.ArgumentList.Add(arg);
        foreach (var (key, value) in _environment)
            info.Environment[key] = value;
        using var process = Process.Start(info) ?? throw new CliException("cannot start git");
        var stdout = process.StandardOutput.ReadToEndAsync(ct);
        var stderr = process.StandardError.ReadToEndAsync(ct);
        await process.WaitForExitAsync(ct);
        return (process.ExitCode, await stdout, await stderr);
    }

    public void Dispose() => _root.Delete(recursive: true);
}
