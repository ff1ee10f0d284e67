namespace Tide.Testing;

/// <summary>The shared corpus (../shared/corpus beside the repository, read in place); TIDE_CORPUS overrides.</summary>
public static class CorpusPaths
{
    public static string Root { get; } =
        Environment.GetEnvironmentVariable("TIDE_CORPUS") is { Length: > 0 } env ? env : Find();

    private static string Find()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            if (File.Exists(Path.Combine(dir.FullName, "Engine.sln")))
                return Path.GetFullPath(Path.Combine(dir.FullName, "..", "shared", "corpus"));
        throw new InvalidOperationException("Engine.sln not found above " + AppContext.BaseDirectory);
    }
}
