using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Rendering;
using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;
using Tide.Engine.Kustomize;
using Tide.Engine.Yaml;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// Renders a chart for an install or upgrade as Helm's action package does: values coalesced and validated against
/// the chart's schema, templates rendered with the release's name, namespace and revision, documents sorted into
/// manifests (Helm's install order) and hooks (with their events, weights and delete policies).
/// </summary>
public static class ReleaseRenderer
{
    private const string HookAnnotation = "helm.sh/hook";
    private const string HookWeightAnnotation = "helm.sh/hook-weight";
    private const string HookDeletePolicyAnnotation = "helm.sh/hook-delete-policy";

    /// <exception cref="RenderException">Schema validation or a template failed.</exception>
    /// <exception cref="Kustomize.KustomizeException">A post-renderer failed.</exception>
    public static RenderedRelease Render(Chart loaded, Dictionary<string, object?> userValues, string releaseName, string @namespace,
        int revision, bool isUpgrade, bool validateSchema = true, IReadOnlyList<PostRenderer>? postRenderers = null)
    {
        var chart = loaded.CloneForRender();
        var values = DeepCopy(userValues);
        ValueTables.ProcessDependencies(chart, values);
        var coalesced = ValueTables.Coalesce(chart, values);
        if (validateSchema)
        {
            try
            {
                ValuesSchema.Validate(chart, coalesced);
            }
            catch (Exception e) when (e is not (RenderException or OperationCanceledException or OutOfMemoryException))
            {
                // A schema the validator cannot use is the chart's problem, reported like a failed validation.
                throw new RenderException($"values don't meet the specifications of the schema(s) in the following chart(s):\n{chart.Name}:\n- {e.Message}");
            }
        }
        var top = new Dictionary<string, object?>
        {
            ["Values"] = coalesced,
            ["Release"] = new Dictionary<string, object?>
            {
                ["Name"] = releaseName,
                ["Namespace"] = @namespace,
                ["IsUpgrade"] = isUpgrade,
                ["IsInstall"] = !isUpgrade,
                ["Revision"] = revision,
                ["Service"] = "Helm",
            },
            // The Kubernetes version helm template and helm install assume without a cluster to ask.
            ["Capabilities"] = new Capabilities(new Capabilities.KubeVersionInfo(new HelmTemplateOptions("", "").KubeVersion)),
        };
        Dictionary<string, string> rendered;
        try
        {
            rendered = TemplateEngine.Render(chart, top);
        }
        catch (TemplateException e)
        {
            throw new RenderException(HelmTemplate.DescribeTemplateError(e), duringRender: true);
        }
        var notesPath = $"{chart.Name}/templates/NOTES.txt";
        var notes = rendered.GetValueOrDefault(notesPath, "").Trim();
        foreach (var key in rendered.Keys.Where(k => k.EndsWith("NOTES.txt", StringComparison.Ordinal)).ToList())
            rendered.Remove(key);
        var (manifests, hooks) = ManifestSorter.Sort(rendered);
        var manifest = new StringBuilder();
        foreach (var m in manifests)
            manifest.Append("---\n# Source: ").Append(m.Path).Append('\n').Append(m.Content).Append('\n');
        var text = manifest.ToString();
        foreach (var postRenderer in postRenderers ?? [])
            if (postRenderer.Kustomize is { } kustomize)
                text = PostRender(text, kustomize);
        // Like helm-controller, only CustomResourceDefinitions are taken from crds/.
        var crds = HelmTemplate.CrdObjects(chart).SelectMany(d => ObjectsOf(d.Content))
            .Where(o => (string?)o["kind"] == "CustomResourceDefinition" && ((string?)o["apiVersion"])?.StartsWith("apiextensions.k8s.io/", StringComparison.Ordinal) == true)
            .ToList();
        return new RenderedRelease(text, ObjectsOf(text), hooks.Select(Hook).ToList(), notes, ChartJson(loaded), crds);
    }

    /// <summary>A kustomize post-renderer as helm-controller runs it: the manifest as the only resource of a
    /// kustomization with the patches and images, built by Tide's kustomize engine; its output is the new manifest.</summary>
    private static string PostRender(string manifest, KustomizePostRenderer kustomize)
    {
        var kustomization = new JsonObject
        {
            ["apiVersion"] = "kustomize.config.k8s.io/v1beta1",
            ["kind"] = "Kustomization",
            ["resources"] = new JsonArray("all.yaml"),
        };
        if (kustomize.Patches is { Count: > 0 } patches)
            kustomization["patches"] = FluxJson.ToNode(patches);
        if (kustomize.Images is { Count: > 0 } images)
            kustomization["images"] = FluxJson.ToNode(images);
        var files = new InMemoryFileSystem()
            .Add("/post-render/all.yaml", manifest)
            .Add("/post-render/kustomization.yaml", YamlJson.Write(kustomization));
        return Kustomizer.Build(files, "/post-render").ToYaml();
    }

    /// <summary>The objects of a stored manifest (to delete what left a release, or to roll back to it).</summary>
    public static IReadOnlyList<JsonObject> ObjectsOf(string manifest) =>
        ManifestSorter.Split(manifest).Select(YamlJson.Parse).OfType<JsonObject>().ToList();

    private static ReleaseHook Hook(ManifestSorter.Document document)
    {
        var head = YamlJson.Parse(document.Content) as JsonObject ?? new JsonObject();
        var annotations = head["metadata"]?["annotations"] as JsonObject;
        string? Annotation(string key) => annotations?[key] is JsonValue v && v.TryGetValue<string>(out var s) ? s : null;
        var events = (Annotation(HookAnnotation) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries)
            .Select(e => e.ToLowerInvariant()).ToList();
        var policies = (Annotation(HookDeletePolicyAnnotation) ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries).ToList();
        int.TryParse(Annotation(HookWeightAnnotation), NumberStyles.Integer, CultureInfo.InvariantCulture, out var weight);
        return new ReleaseHook
        {
            Name = (string?)head["metadata"]?["name"] ?? "",
            Kind = document.Kind,
            Path = document.Path,
            Manifest = document.Content,
            Events = events,
            Weight = weight,
            // Helm's default policy when a hook names none.
            DeletePolicies = policies.Count > 0 ? policies : ["before-hook-creation"],
        };
    }

    /// <summary>The chart as Helm stores it in a release (its own files; subcharts are not kept, as in Helm).</summary>
    private static JsonObject ChartJson(Chart chart)
    {
        static JsonArray Files(IEnumerable<ChartFile> files) => new(files.Select(f => (JsonNode)new JsonObject
        {
            ["name"] = f.Name,
            ["data"] = Convert.ToBase64String(f.Data),
        }).ToArray());
        var json = new JsonObject
        {
            ["metadata"] = JsonNode.Parse(GoJson.Marshal(chart.Metadata.ToJsonValue())),
            ["lock"] = null,
            ["templates"] = Files(chart.Templates),
            ["values"] = JsonNode.Parse(GoJson.Marshal(chart.Values)),
            ["schema"] = chart.Schema is { } schema ? Convert.ToBase64String(Encoding.UTF8.GetBytes(schema)) : null,
            ["files"] = Files(chart.Files),
        };
        return json;
    }

    /// <summary>Values as JSON (the release's config).</summary>
    public static JsonObject ToJson(Dictionary<string, object?> values) =>
        JsonNode.Parse(GoJson.Marshal(values)) as JsonObject ?? new JsonObject();

    /// <summary>Values from JSON (a HelmRelease's spec.values, a stored config).</summary>
    public static Dictionary<string, object?> FromJson(JsonNode? json) =>
        json is null ? [] : GoYaml.Parse(json.ToJsonString()) as Dictionary<string, object?> ?? [];

    private static Dictionary<string, object?> DeepCopy(Dictionary<string, object?> values) =>
        FromJson(ToJson(values));
}
