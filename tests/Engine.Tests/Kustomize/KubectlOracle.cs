using System.Diagnostics;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Tests.Kustomize;

/// <summary>
/// Expectations from the real kustomize: the case's files are written to a temporary directory and built with
/// `kubectl kustomize` (kustomize v5.5.0); Tide builds the same files from memory.
/// </summary>
public static class KubectlOracle
{
    public sealed record Outcome(int ExitCode, string Stdout, string Stderr);

    /// <summary>Runs `kubectl kustomize` on the files (paths relative to the kustomization root, "" = root itself).</summary>
    public static Outcome Kubectl(IReadOnlyDictionary<string, string> files, string entry = ".")
    {
        var dir = Directory.CreateTempSubdirectory("tide-kustomize-");
        try
        {
            foreach (var (path, content) in files)
            {
                var full = Path.Combine(dir.FullName, path);
                Directory.CreateDirectory(Path.GetDirectoryName(full)!);
                File.WriteAllText(full, content);
            }
            return KubectlAt(Path.Combine(dir.FullName, entry));
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    /// <summary>Runs `kubectl kustomize` on a directory on disk.</summary>
    public static Outcome KubectlAt(string directory)
    {
        var psi = new ProcessStartInfo("kubectl")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        psi.ArgumentList.Add("kustomize");
        psi.ArgumentList.Add(directory);
        using var process = Process.Start(psi)
                            ?? throw new InvalidOperationException("kubectl (kustomize v5.5.0) must be on PATH for these tests");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        process.WaitForExit();
        return new Outcome(process.ExitCode, stdout.Result, stderr.Result);
    }

    /// <summary>Tide's build of the same files, from memory under /k.</summary>
    public static string Tide(IReadOnlyDictionary<string, string> files, string entry = ".")
    {
        var fs = new InMemoryFileSystem();
        foreach (var (path, content) in files)
            fs.Add("/k/" + path, content);
        return Kustomizer.Build(fs, "/k/" + entry).ToYaml();
    }

    /// <summary>Asserts kubectl succeeds and Tide prints exactly the same bytes.</summary>
    public static void AssertSameOutput(IReadOnlyDictionary<string, string> files, string entry = ".")
    {
        var expected = Kubectl(files, entry);
        Assert.True(expected.ExitCode == 0, "kubectl kustomize failed: " + expected.Stderr);
        Assert.Equal(expected.Stdout, Tide(files, entry));
    }

    /// <summary>Asserts both kubectl and Tide reject the files; returns Tide's message.</summary>
    public static string AssertBothFail(Dictionary<string, string> files, string entry = ".")
    {
        var expected = Kubectl(files, entry);
        Assert.True(expected.ExitCode != 0, "kubectl kustomize unexpectedly succeeded:\n" + expected.Stdout);
        var e = Assert.Throws<KustomizeException>(() => Tide(files, entry));
        return e.Message;
    }
}
