using Tide.Engine.Yaml;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Manifests;

/// <summary>
/// Builds a path of a source into objects as Flux does: every path goes through the native kustomize build; a path
/// without a kustomization file gets the one Flux's generator writes (see <see cref="Generate"/>). A Flux overlay
/// (targetNamespace, namePrefix, patches, ...) is written into the kustomization before the build, as Flux's
/// generator does, so kustomize applies it.
/// </summary>
public static class ManifestBuilder
{
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <param name="directory">The path to build; its kustomization file may be written (generated, or with an
    /// overlay), so it must be a working copy.</param>
    /// <param name="loadBoundary">Kustomizations may read files anywhere below it (the artifact's root, as Flux
    /// allows); null: only below their own directory.</param>
    public static IReadOnlyList<JsonObject> Build(string directory, FluxOverlay? overlay = null, string? loadBoundary = null) =>
        Build(DiskFileSystem.Instance, directory, overlay, loadBoundary);

    /// <summary>Builds <paramref name="directory"/> of <paramref name="files"/>; a generated kustomization and an
    /// overlay are written into <paramref name="files"/> (a working copy).</summary>
    public static IReadOnlyList<JsonObject> Build(IWritableFileTree files, string directory, FluxOverlay? overlay = null,
        string? loadBoundary = null)
    {
        directory = files.Normalize(directory);
        var existing = KustomizationFileIn(files, directory);
        if (existing is not null && (overlay is null || overlay.IsEmpty))
            return Kustomize(files, directory, loadBoundary);
        var kustomization = existing is null ? Generate(files, directory) : Read(files, existing);
        overlay?.ApplyTo(kustomization, files, directory);
        if (existing is not null)
            files.DeleteFile(existing);
        files.WriteAllBytes(FileTrees.Combine(directory, "kustomization.yaml"), Encoding.UTF8.GetBytes(YamlJson.Write(kustomization)));
        return Kustomize(files, directory, loadBoundary);
    }

    private static IReadOnlyList<JsonObject> Kustomize(IFileTree files, string directory, string? loadBoundary)
    {
        try
        {
            return Kustomizer.Build(files, directory, loadBoundary).ToJsonObjects().ToList();
        }
        catch (KustomizeException e)
        {
            throw new ManifestException("kustomize build failed: " + e.Message, e);
        }
    }

    private static JsonObject Read(IFileTree files, string path)
    {
        try
        {
            return YamlJson.Parse(files.ReadAllText(path)) as JsonObject
                   ?? throw new ManifestException($"{Path.GetFileName(path)}: not a kustomization (a YAML mapping)");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ManifestException($"{Path.GetFileName(path)}: invalid YAML at line {e.Start.Line}: {e.Message}", e);
        }
    }

    private static string? KustomizationFileIn(IFileTree files, string directory) =>
        KustomizationFiles.Select(f => FileTrees.Combine(directory, f)).FirstOrDefault(files.FileExists);

    /// <summary>
    /// Flux's generated kustomization for a path without one (fluxcd/pkg kustomize generator): the path is walked in
    /// name order; a sub-directory holding a kustomization file becomes one resource (a base) and is not entered;
    /// every other <c>.yaml</c>/<c>.yml</c> file is a resource of its own, and must decode as Kubernetes YAML. Other
    /// files (<c>.json</c> included) do not count.
    /// </summary>
    private static JsonObject Generate(IFileTree files, string directory)
    {
        var resources = new JsonArray();
        Collect(files, directory, directory, resources);
        return new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = resources,
        };
    }

    private static void Collect(IFileTree files, string root, string directory, JsonArray resources)
    {
        // Go's filepath.Walk visits files and directories together, ordered by name.
        var entries = files.EnumerateFiles(directory).Select(f => (Path: f, IsDirectory: false))
            .Concat(files.EnumerateDirectories(directory).Select(d => (Path: d, IsDirectory: true)))
            .OrderBy(e => Path.GetFileName(e.Path), StringComparer.Ordinal);
        foreach (var (path, isDirectory) in entries)
        {
            var relative = "./" + FileTrees.Relative(root, path);
            if (isDirectory && KustomizationFileIn(files, path) is not null)
                resources.Add(relative);
            else if (isDirectory)
                Collect(files, root, path, resources);
            else if (Path.GetExtension(path) is ".yaml" or ".yml")
            {
                ManifestReader.Read(files.ReadAllText(path), FileTrees.Relative(root, path));
                resources.Add(relative);
            }
        }
    }
}
