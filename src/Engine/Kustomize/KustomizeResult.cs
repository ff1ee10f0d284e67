using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize;

/// <summary>The built resources, in kustomize's output order.</summary>
public sealed class KustomizeResult(IReadOnlyList<YMapping> resources)
{
    public IReadOnlyList<YMapping> Resources { get; } = resources;

    /// <summary>The text `kubectl kustomize` prints: documents separated by "---".</summary>
    public string ToYaml()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < Resources.Count; i++)
        {
            if (i > 0)
                sb.Append("---\n");
            ManifestWriter.WriteDocument(Resources[i], sb);
        }
        return sb.ToString();
    }

    /// <summary>Each resource as JSON, with scalars typed as kustomize types them (for server-side apply).</summary>
    public IEnumerable<JsonObject> ToJsonObjects() => Resources.Select(r => (JsonObject)JsonConversion.ToJson(r)!);
}
