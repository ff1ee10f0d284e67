using System.Diagnostics;

namespace Tide.Engine.Tests.Fixtures;

/// <summary>Runs the real `git` command line, isolated from the user's and the system's git configuration.</summary>
public static class GitCli
{
    public static async Task<string> RunAsync(string workingDirectory, params string[] arguments)
    {
        var start = new ProcessStartInfo("git", arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["GIT_CONFIG_GLOBAL"] = "/dev/null";
        start.Environment["GIT_CONFIG_NOSYSTEM"] = "1";
        start.Environment["GIT_AUTHOR_NAME"] = "Tide Test";
        start.Environment["GIT_AUTHOR_EMAIL"] = "test@tide.invalid";
        start.Environment["GIT_COMMITTER_NAME"] = "Tide Test";
        start.Environment["GIT_COMMITTER_EMAIL"] = "test@tide.invalid";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"git {string.Join(' ', arguments)} failed ({process.ExitCode}): {await error}");
        return (await output).Trim();
    }
}
