namespace Tide.Testing;

/// <summary>A bare repository (to serve) and a working copy that commits and pushes to it, with the real git CLI.</summary>
public sealed class GitWorkingCopy
{
    private static readonly Dictionary<string, string> Identity = new()
    {
        ["GIT_AUTHOR_NAME"] = "Tide Test", ["GIT_AUTHOR_EMAIL"] = "test@tide.invalid",
        ["GIT_COMMITTER_NAME"] = "Tide Test", ["GIT_COMMITTER_EMAIL"] = "test@tide.invalid",
    };

    private GitWorkingCopy(string bare, string work)
    {
        BarePath = bare;
        WorkPath = work;
    }

    public string BarePath { get; }

    public string WorkPath { get; }

    /// <summary>Creates <paramref name="root"/>/<paramref name="name"/>.git (bare, default branch main) and a clone.</summary>
    public static async Task<GitWorkingCopy> CreateAsync(string root, string name)
    {
        var bare = Path.Combine(root, name + ".git");
        var work = Path.Combine(root, name + "-work");
        await Git(root, "init", "--bare", "--initial-branch=main", bare);
        await Git(root, "clone", "-q", bare, work);
        await Git(work, "checkout", "-q", "-b", "main");
        return new GitWorkingCopy(bare, work);
    }

    public void Write(string relativePath, string content)
    {
        var path = Path.Combine(WorkPath, relativePath);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
    }

    public void Delete(string relativePath) => File.Delete(Path.Combine(WorkPath, relativePath));

    /// <summary>Commits everything and pushes; returns the commit's full SHA-1.</summary>
    public async Task<string> CommitAndPushAsync(string message, string branch = "main")
    {
        await Git(WorkPath, "add", "-A");
        await Git(WorkPath, "commit", "-q", "--allow-empty", "-m", message);
        await Git(WorkPath, "push", "-q", "origin", "HEAD:refs/heads/" + branch);
        return (await Git(WorkPath, "rev-parse", "HEAD")).Trim();
    }

    private static Task<string> Git(string dir, params string[] args) =>
        ProcessRunner.RunCheckedAsync("git", args, dir, Identity);
}
