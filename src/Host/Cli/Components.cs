using System.Text.Json.Nodes;
using Tide.Engine.Helm.Rendering;
using Tide.Engine.Yaml;

namespace Tide.Host.Cli;

/// <summary>
/// Tide's components (CRDs, RBAC, ConfigMap, headless Service, StatefulSet, PodDisruptionBudget) for a namespace:
/// the Helm chart of deploy/helm/tide, embedded in this executable and rendered in process as `helm template tide
/// deploy/helm/tide --namespace NS --include-crds` renders it, after the Namespace. One description serves `helm
/// install`, `tide install` and `tide bootstrap git`.
/// </summary>
public static class Components
{
    public const string ReleaseName = "tide";
    private const string ResourcePrefix = "chart/";

    /// <summary>The manifest stream: the Namespace, then the chart's rendering.</summary>
    public static string Render(string ns)
    {
        var chart = Directory.CreateTempSubdirectory("tide-chart-");
        try
        {
            var assembly = typeof(Components).Assembly;
            foreach (var resource in assembly.GetManifestResourceNames().Where(n => n.StartsWith(ResourcePrefix, StringComparison.Ordinal)))
            {
                var path = Path.Combine(chart.FullName, resource[ResourcePrefix.Length..]);
                Directory.CreateDirectory(Path.GetDirectoryName(path)!);
                using var input = assembly.GetManifestResourceStream(resource)!;
                using var output = File.Create(path);
                input.CopyTo(output);
            }
            var rendered = HelmTemplate.Render(new HelmTemplateOptions(ReleaseName, chart.FullName) { Namespace = ns, IncludeCrds = true });
            return "---\n" + YamlJson.Write(Namespace(ns)) + rendered;
        }
        finally
        {
            chart.Delete(recursive: true);
        }
    }

    public static IReadOnlyList<JsonObject> Objects(string ns) =>
        YamlJson.ParseAll(Render(ns)).OfType<JsonObject>().ToList();

    private static JsonObject Namespace(string ns) => new()
    {
        ["apiVersion"] = "v1",
        ["kind"] = "Namespace",
        ["metadata"] = new JsonObject { ["name"] = ns },
    };
}
