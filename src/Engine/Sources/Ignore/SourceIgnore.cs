namespace Tide.Engine.Sources.Ignore;

/// <summary>
/// Flux's exclusion rules for source artifacts (fluxcd/pkg sourceignore): VCS files are always excluded; then the
/// patterns of every .sourceignore in the tree (each scoped to its directory) and spec.ignore. Only when neither gives
/// any pattern do Flux's defaults apply (images, archives, CI configuration and a few tool files).
/// </summary>
public static class SourceIgnore
{
    public const string FileName = ".sourceignore";

    public static IReadOnlyList<string> VcsPatterns { get; } = [".git/", ".gitignore", ".gitmodules", ".gitattributes"];

    public static IReadOnlyList<string> DefaultPatterns { get; } =
    [
        "*.jpg", "*.jpeg", "*.gif", "*.png", "*.wmv", "*.flv", "*.tar.gz", "*.zip",
        ".github/", ".circleci/", ".travis.yml", ".gitlab-ci.yml", "appveyor.yml", ".drone.yml", "cloudbuild.yaml",
        "codeship-services.yml", "codeship-steps.yml",
        "**/.goreleaser.yml", "**/.sops.yaml", "**/.flux.yaml",
    ];

    /// <summary>The matcher for a checked-out tree at <paramref name="root"/> and the object's spec.ignore.</summary>
    public static IgnoreMatcher ForDirectory(string root, string? specIgnore)
    {
        var patterns = new List<IgnorePattern>();
        LoadIgnoreFiles(new DirectoryInfo(root), [], patterns);
        if (specIgnore is not null)
            patterns.AddRange(ParseLines(specIgnore, []));

        var all = ParseLines(string.Join('\n', VcsPatterns), []).ToList();
        if (patterns.Count == 0)
            all.AddRange(ParseLines(string.Join('\n', DefaultPatterns), []));
        all.AddRange(patterns);
        return new IgnoreMatcher(all);
    }

    /// <summary>The VCS and default patterns alone (fluxcd/pkg's default matcher), for trees that bring no
    /// .sourceignore of their own: what source-watcher excludes from the artifacts it packs.</summary>
    public static IgnoreMatcher Defaults() =>
        new(ParseLines(string.Join('\n', VcsPatterns.Concat(DefaultPatterns)), []).ToList());

    public static IEnumerable<IgnorePattern> ParseLines(string text, IReadOnlyList<string> domain) =>
        text.Split('\n')
            .Select(line => IgnorePattern.Parse(line.TrimEnd('\r'), domain))
            .OfType<IgnorePattern>();

    /// <summary>Reads .sourceignore files top-down, so a deeper file's patterns take precedence.</summary>
    private static void LoadIgnoreFiles(DirectoryInfo directory, List<string> domain, List<IgnorePattern> patterns)
    {
        var file = Path.Combine(directory.FullName, FileName);
        if (File.Exists(file))
            patterns.AddRange(ParseLines(File.ReadAllText(file), domain.ToArray()));
        foreach (var child in directory.EnumerateDirectories().OrderBy(d => d.Name, StringComparer.Ordinal))
        {
            if (child.Name == ".git" || child.LinkTarget is not null)
                continue;
            domain.Add(child.Name);
            LoadIgnoreFiles(child, domain, patterns);
            domain.RemoveAt(domain.Count - 1);
        }
    }
}
