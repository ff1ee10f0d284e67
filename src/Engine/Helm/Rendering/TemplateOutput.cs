using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Helm.Charts;

namespace Tide.Engine.Helm.Rendering;

/// <summary>
/// The printing half of `helm template` (helm's pkg/cmd/template.go): the manifest stream with hooks (unless
/// --no-hooks; test hooks unless --skip-tests), narrowed by --show-only, or written under --output-dir.
/// </summary>
public static partial class TemplateOutput
{
    /// <summary>The text `helm template` prints to stdout when no --output-dir is given.</summary>
    public static string Print(RenderedRelease release, HelmTemplateOptions options)
    {
        var manifest = new StringBuilder();
        foreach (var doc in release.Crds.Concat(release.Manifests))
            Append(manifest, doc);
        var output = new StringBuilder();
        output.Append(manifest.ToString().Trim(ManifestSorter.GoSpace)).Append('\n');
        foreach (var hook in Hooks(release, options))
            Append(output, hook);
        return options.ShowOnly.Count == 0 ? output.ToString() : ShowOnly(output.ToString(), options.ShowOnly);
    }

    private static IEnumerable<ManifestSorter.Document> Hooks(RenderedRelease release, HelmTemplateOptions options) =>
        options.NoHooks ? [] : release.Hooks.Where(h => !(options.SkipTests && h.IsTestHook));

    private static void Append(StringBuilder sb, ManifestSorter.Document doc) =>
        sb.Append("---\n# Source: ").Append(doc.Path).Append('\n').Append(doc.Content).Append('\n');

    [GeneratedRegex("# Source: [^/]+/(.+)")]
    private static partial Regex SourcePath();

    /// <summary>--show-only: the printed documents whose source path (after the chart name) matches each pattern,
    /// pattern by pattern; a pattern that matches nothing fails as helm does.</summary>
    private static string ShowOnly(string output, IReadOnlyList<string> patterns)
    {
        var docs = ManifestSorter.Split(output);
        var sb = new StringBuilder();
        foreach (var pattern in patterns)
        {
            var missing = true;
            foreach (var doc in docs)
            {
                var m = SourcePath().Match(doc);
                if (!m.Success || !GoGlob.PathMatch(pattern.Replace('\\', '/'), m.Groups[1].Value))
                    continue;
                sb.Append("---\n").Append(doc).Append('\n');
                missing = false;
            }
            if (missing)
                throw new RenderException($"could not find template {pattern} in chart");
        }
        return sb.ToString();
    }

    /// <summary>--output-dir: each document appended to OUTPUT_DIR/[RELEASE/]SOURCE_PATH (CRDs directly under
    /// OUTPUT_DIR, as helm writes them); returns what helm prints to stdout ("wrote PATH" lines, then a blank line).</summary>
    public static string WriteTo(RenderedRelease release, HelmTemplateOptions options, string outputDir)
    {
        var stdout = new StringBuilder();
        var written = new HashSet<string>(StringComparer.Ordinal);
        var releaseDir = options.UseReleaseName ? Path.Combine(outputDir, options.ReleaseName) : outputDir;
        foreach (var crd in release.Crds)
            Write(outputDir, crd, hook: false);
        foreach (var doc in release.Manifests)
            Write(releaseDir, doc, hook: false);
        foreach (var hook in Hooks(release, options))
            Write(releaseDir, hook, hook: true);
        stdout.Append('\n');
        return stdout.ToString();

        // A file is started afresh by its first document of this run and appended to by the next ones; helm
        // appends hooks to any file that already exists, even one an earlier run left behind.
        void Write(string dir, ManifestSorter.Document doc, bool hook)
        {
            var file = dir + "/" + doc.Path;
            Directory.CreateDirectory(Path.GetDirectoryName(file)!);
            var text = "---\n# Source: " + doc.Path + "\n" + doc.Content + "\n";
            var append = hook ? File.Exists(file) : written.Contains(file);
            written.Add(file);
            if (append)
                File.AppendAllText(file, text);
            else
                File.WriteAllText(file, text);
            stdout.Append("wrote ").Append(file).Append('\n');
        }
    }
}
