namespace Tide.Testing;

/// <summary>A git working repository made with the git CLI, to commit, branch and tag in tests.</summary>
public sealed class WorkRepository
{
    private WorkRepository(string path) => Path = path;

    public string Path { get; }

    /// <summary>Creates a repository whose first branch is <paramref name="branch"/>.</summary>
    public static async Task<WorkRepository> InitAsync(string path, string branch = "main")
    {
        Directory.CreateDirectory(path);
        await GitCli.RunAsync(path, "init", "-q", "-b", branch);
        return new WorkRepository(path);
    }

    /// <summary>Writes the files (null content deletes), commits everything and returns the commit SHA.</summary>
    public async Task<string> CommitAsync(string message, params (string Path, string? Content)[] files)
    {
        foreach (var (relative, content) in files)
        {
            var full = System.IO.Path.Combine(Path, relative);
            if (content is null)
            {
                File.Delete(full);
                continue;
            }
            Directory.CreateDirectory(System.IO.Path.GetDirectoryName(full)!);
            await File.WriteAllTextAsync(full, content);
        }
        await GitCli.RunAsync(Path, "add", "-A");
        await GitCli.RunAsync(Path, "commit", "-q", "--allow-empty", "-m", message);
        return await HeadAsync();
    }

    /// <summary>Records a submodule at <paramref name="path"/>: its URL in .gitmodules and <paramref name="commit"/> as
    /// the gitlink, without cloning it (as a superproject looks before `git submodule update`); commit it next.</summary>
    public async Task SetSubmoduleAsync(string path, string url, string commit)
    {
        Directory.CreateDirectory(System.IO.Path.Combine(Path, path));
        await GitCli.RunAsync(Path, "config", "-f", ".gitmodules", $"submodule.{path}.path", path);
        await GitCli.RunAsync(Path, "config", "-f", ".gitmodules", $"submodule.{path}.url", url);
        await GitCli.RunAsync(Path, "update-index", "--add", "--cacheinfo", $"160000,{commit},{path}");
    }

    public Task<string> HeadAsync() => GitCli.RunAsync(Path, "rev-parse", "HEAD");

    public Task RunAsync(params string[] arguments) => GitCli.RunAsync(Path, arguments);

    /// <summary>A lightweight tag, or an annotated one when a message is given.</summary>
    public Task TagAsync(string name, string? message = null) =>
        message is null ? GitCli.RunAsync(Path, "tag", name) : GitCli.RunAsync(Path, "tag", "-a", name, "-m", message);

    public Task CheckoutAsync(string branch, bool create = false) =>
        create ? GitCli.RunAsync(Path, "checkout", "-q", "-b", branch) : GitCli.RunAsync(Path, "checkout", "-q", branch);

    /// <summary>Pushes every branch and tag to a bare repository.</summary>
    public async Task PushAsync(string bareRepository)
    {
        await GitCli.RunAsync(Path, "push", "-q", "--force", bareRepository, "--all");
        await GitCli.RunAsync(Path, "push", "-q", "--force", bareRepository, "--tags");
    }
}
