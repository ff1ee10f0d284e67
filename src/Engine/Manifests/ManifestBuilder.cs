using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Manifests;

/// <summary>
/// Builds a path of a source into objects as Flux does: a directory with a kustomization file goes through the native
/// kustomize build; without one, every YAML file under the path, recursively. A Flux overlay (targetNamespace,
/// namePrefix, patches, ...) is written into the kustomization (generated when the path has none) before the build,
/// as Flux's generator does, so kustomize applies it.
/// </summary>
public static class ManifestBuilder
{
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    /// <param name="directory">The path to build; with an overlay its kustomization file is rewritten, so it must be a
    /// working copy.</param>
    /// <param name="loadBoundary">Kustomizations may read files anywhere below it (the artifact's root, as Flux
    /// allows); null: only below their own directory.</param>
    public static IReadOnlyList<JsonObject> Build(string directory, FluxOverlay? overlay = null, string? loadBoundary = null) =>
        Build(DiskFileSystem.Instance, directory, overlay, loadBoundary);

    /// <summary>Builds <paramref name="directory"/> of <paramref name="files"/>; an overlay is written into
    /// <paramref name="files"/> (a working copy).</summary>
    public static IReadOnlyList<JsonObject> Build(IWritableFileTree files, string directory, FluxOverlay? overlay = null,
        string? loadBoundary = null)
    {
        directory = files.Normalize(directory);
        var existing = KustomizationFiles.Select(f => FileTrees.Combine(directory, f)).FirstOrDefault(files.FileExists);
        if (overlay is null || overlay.IsEmpty)
            return existing is null ? ManifestReader.ReadDirectory(files, directory) : Kustomize(files, directory, loadBoundary);
        var kustomization = existing is null ? Generate(files, directory) : Read(files, existing);
        overlay.ApplyTo(kustomization, files, directory);
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

    /// <summary>Flux's generated kustomization for a path without one: every manifest file below it, and every
    /// sub-directory that has its own kustomization as a base.</summary>
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
        foreach (var file in files.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (Path.GetExtension(file) is ".yaml" or ".yml" or ".json")
                resources.Add(FileTrees.Relative(root, file));
        }
        foreach (var sub in files.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(sub).StartsWith('.'))
                continue;
            if (KustomizationFiles.Any(f => files.FileExists(FileTrees.Combine(sub, f))))
                resources.Add(FileTrees.Relative(root, sub));
            else
                Collect(files, root, sub, resources);
        }
    }
}
