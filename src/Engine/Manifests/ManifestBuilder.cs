using System.Text.Json.Nodes;
using Tide.Engine.Kustomize;

namespace Tide.Engine.Manifests;

/// <summary>
/// Builds a path of a source into objects as Flux does: a directory with a kustomization file goes through the native
/// kustomize build; without one, every YAML file under the path, recursively.
/// </summary>
public static class ManifestBuilder
{
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    public static IReadOnlyList<JsonObject> Build(string directory)
    {
        if (!KustomizationFiles.Any(f => File.Exists(Path.Combine(directory, f))))
            return ManifestReader.ReadDirectory(directory);
        try
        {
            return Kustomizer.Build(directory).ToJsonObjects().ToList();
        }
        catch (KustomizeException e)
        {
            throw new ManifestException("kustomize build failed: " + e.Message, e);
        }
    }
}
