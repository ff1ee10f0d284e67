namespace Tide.Testing;

/// <summary>Where the repository and the shared corpus are: tests read the corpus in place, never a copy.</summary>
public static class TestPaths
{
    public static string RepositoryRoot { get; } = FindRepositoryRoot();

    /// <summary>../shared/corpus beside the repository; TIDE_CORPUS overrides.</summary>
    public static string Corpus { get; } =
        Environment.GetEnvironmentVariable("TIDE_CORPUS") is { Length: > 0 } env
            ? env
            : Path.GetFullPath(Path.Combine(RepositoryRoot, "..", "shared", "corpus"));

    private static string FindRepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return dir.FullName;
        throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}
