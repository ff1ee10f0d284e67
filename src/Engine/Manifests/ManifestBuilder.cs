using System.Text.Json.Nodes;

namespace Tide.Engine.Manifests;

/// <summary>
/// Builds a path of a source into objects as Flux does: a directory with a kustomization file goes through kustomize;
/// without one, every YAML file under the path, recursively.
/// </summary>
public static class ManifestBuilder
{
    private static readonly string[] KustomizationFiles = ["kustomization.yaml", "kustomization.yml", "Kustomization"];

    public static IReadOnlyList<JsonObject> Build(string directory)
    {
        if (KustomizationFiles.Any(f => File.Exists(Path.Combine(directory, f))))
            throw new ManifestException("kustomize build is not available in this build of Tide yet");
        return ManifestReader.ReadDirectory(directory);
    }
}
