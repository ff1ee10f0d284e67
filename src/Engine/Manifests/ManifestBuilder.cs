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
    public static IReadOnlyList<JsonObject> Build(string directory, FluxOverlay? overlay = null, string? loadBoundary = null)
    {
        var existing = KustomizationFiles.Select(f => Path.Combine(directory, f)).FirstOrDefault(File.Exists);
        if (overlay is null || overlay.IsEmpty)
            return existing is null ? ManifestReader.ReadDirectory(directory) : Kustomize(directory, loadBoundary);
        var kustomization = existing is null ? Generate(directory) : Read(existing);
        overlay.ApplyTo(kustomization, directory);
        if (existing is not null)
            File.Delete(existing);
        File.WriteAllText(Path.Combine(directory, "kustomization.yaml"), YamlJson.Write(kustomization));
        return Kustomize(directory, loadBoundary);
    }

    private static IReadOnlyList<JsonObject> Kustomize(string directory, string? loadBoundary)
    {
        try
        {
            return Kustomizer.Build(DiskFileSystem.Instance, directory, loadBoundary).ToJsonObjects().ToList();
        }
        catch (KustomizeException e)
        {
            throw new ManifestException("kustomize build failed: " + e.Message, e);
        }
    }

    private static JsonObject Read(string path)
    {
        try
        {
            return YamlJson.Parse(File.ReadAllText(path)) as JsonObject
                   ?? throw new ManifestException($"{Path.GetFileName(path)}: not a kustomization (a YAML mapping)");
        }
        catch (YamlDotNet.Core.YamlException e)
        {
            throw new ManifestException($"{Path.GetFileName(path)}: invalid YAML at line {e.Start.Line}: {e.Message}", e);
        }
    }

    /// <summary>Flux's generated kustomization for a path without one: every manifest file below it, and every
    /// sub-directory that has its own kustomization as a base.</summary>
    private static JsonObject Generate(string directory)
    {
        var resources = new JsonArray();
        Collect(directory, directory, resources);
        return new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = resources,
        };
    }

    private static void Collect(string root, string directory, JsonArray resources)
    {
        foreach (var file in Directory.EnumerateFiles(directory).Order(StringComparer.Ordinal))
        {
            if (Path.GetExtension(file) is ".yaml" or ".yml" or ".json")
                resources.Add(Path.GetRelativePath(root, file));
        }
        foreach (var sub in Directory.EnumerateDirectories(directory).Order(StringComparer.Ordinal))
        {
            if (Path.GetFileName(sub).StartsWith('.'))
                continue;
            if (KustomizationFiles.Any(f => File.Exists(Path.Combine(sub, f))))
                resources.Add(Path.GetRelativePath(root, sub));
            else
                Collect(root, sub, resources);
        }
    }
}
