namespace Tide.Testing;

/// <summary>The real helm v4.1.4, installed by test.sh into .tools/helm/helm (TIDE_HELM overrides): the oracle of
/// the Helm engine and the second client of Tide's Helm releases.</summary>
public static class Helm
{
    public static string Path { get; } =
        Environment.GetEnvironmentVariable("TIDE_HELM") is { Length: > 0 } env
            ? env
            : System.IO.Path.Combine(TestPaths.RepositoryRoot, ".tools", "helm", "helm");

    /// <summary>Runs helm; the result carries its exit code, stdout and stderr.</summary>
    public static Task<ProcessRunner.Result> RunAsync(IEnumerable<string> args, string? stdin = null) =>
        ProcessRunner.RunAsync(Path, args, stdin: stdin);

    /// <summary>Runs helm and returns its stdout; fails with its stderr when it exits non-zero.</summary>
    public static Task<string> RunCheckedAsync(IEnumerable<string> args, string? stdin = null) =>
        ProcessRunner.RunCheckedAsync(Path, args, stdin: stdin);
}
