using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Tide.Engine.Api;
using Tide.Engine.Kustomize.Transformers.Patches;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// spec.driftDetection.ignore as helm-controller reads it: JSON pointers (RFC 6901) left out of drift detection, for
/// every object or for those a target selects (group, version, kind, name and namespace as anchored regular
/// expressions; label and annotation selectors); the pointer "" leaves the whole object out, as does the annotation
/// <c>helm.toolkit.fluxcd.io/driftDetection: disabled</c> on the chart's object or on the cluster's.
/// Detection compares the chart's object with the cluster's; here the ignored paths of the chart's object take the
/// cluster's values (or go where the cluster has none), so neither a comparison nor a correction touches them.
/// </summary>
public sealed class DriftIgnore
{
    public const string Annotation = "helm.toolkit.fluxcd.io/driftDetection";
    public const string Disabled = "disabled";

    private readonly IReadOnlyList<IgnoreRule> _rules;

    public DriftIgnore(IReadOnlyList<IgnoreRule>? rules) => _rules = rules ?? [];

    /// <summary>The chart's object as drift detection should see it; null when it is left out entirely.</summary>
    public JsonObject? Mask(JsonObject desired, JsonObject? live)
    {
        if (IsDisabled(desired) || (live is not null && IsDisabled(live)))
            return null;
        var paths = _rules.Where(r => Selects(r.Target, desired)).SelectMany(r => r.Paths).ToList();
        if (paths.Contains(""))
            return null;
        if (paths.Count == 0 || live is null)
            return desired;
        var masked = desired.DeepClone().AsObject();
        foreach (var path in paths)
        {
            var tokens = Tokens(path);
            if (Find(live, tokens) is { Found: true } value)
                Set(masked, tokens, value.Node?.DeepClone());
            else
                Remove(masked, tokens);
        }
        return masked;
    }

    private static bool IsDisabled(JsonObject obj) =>
        obj["metadata"]?["annotations"]?[Annotation] is JsonValue v && v.TryGetValue<string>(out var s) && s == Disabled;

    private static bool Selects(KustomizeSelector? target, JsonObject obj)
    {
        if (target is null)
            return true;
        var apiVersion = (string?)obj["apiVersion"] ?? "";
        var slash = apiVersion.LastIndexOf('/');
        var (group, version) = slash < 0 ? ("", apiVersion) : (apiVersion[..slash], apiVersion[(slash + 1)..]);
        return Match(target.Group, group) && Match(target.Version, version) && Match(target.Kind, (string?)obj["kind"] ?? "") &&
               Match(target.Name, (string?)obj["metadata"]?["name"] ?? "") &&
               Match(target.Namespace, (string?)obj["metadata"]?["namespace"] ?? "") &&
               LabelSelectorMatcher.Matches(target.LabelSelector ?? "", StringMap(obj["metadata"]?["labels"])) &&
               LabelSelectorMatcher.Matches(target.AnnotationSelector ?? "", StringMap(obj["metadata"]?["annotations"]));
    }

    private static bool Match(string? pattern, string value) =>
        string.IsNullOrEmpty(pattern) || Regex.IsMatch(value, "^(?:" + pattern + ")$");

    private static Dictionary<string, string> StringMap(JsonNode? node) =>
        (node as JsonObject ?? []).Where(p => p.Value is JsonValue).ToDictionary(p => p.Key, p => p.Value!.ToString());

    private static string[] Tokens(string pointer) =>
        pointer.TrimStart('/').Split('/').Select(t => t.Replace("~1", "/").Replace("~0", "~")).ToArray();

    private readonly record struct Lookup(bool Found, JsonNode? Node);

    private static Lookup Find(JsonNode root, string[] tokens)
    {
        JsonNode? node = root;
        foreach (var token in tokens)
        {
            switch (node)
            {
                case JsonObject obj when obj.TryGetPropertyValue(token, out var child):
                    node = child;
                    break;
                case JsonArray array when int.TryParse(token, out var i) && i >= 0 && i < array.Count:
                    node = array[i];
                    break;
                default:
                    return new Lookup(false, null);
            }
        }
        return new Lookup(true, node);
    }

    /// <summary>Sets the value at the pointer, making the objects on the way; a missing array element is left alone.</summary>
    private static void Set(JsonObject root, string[] tokens, JsonNode? value)
    {
        JsonNode parent = root;
        foreach (var token in tokens[..^1])
        {
            JsonNode? next = parent switch
            {
                JsonObject obj => obj[token] ?? (obj[token] = new JsonObject()),
                JsonArray array when int.TryParse(token, out var i) && i >= 0 && i < array.Count => array[i],
                _ => null,
            };
            if (next is null)
                return;
            parent = next;
        }
        var last = tokens[^1];
        if (parent is JsonObject target)
            target[last] = value;
        else if (parent is JsonArray list && int.TryParse(last, out var index) && index >= 0 && index < list.Count)
            list[index] = value;
    }

    private static void Remove(JsonObject root, string[] tokens)
    {
        if (Find(root, tokens[..^1]) is not { Found: true, Node: { } parent })
            return;
        var last = tokens[^1];
        if (parent is JsonObject obj)
            obj.Remove(last);
        else if (parent is JsonArray array && int.TryParse(last, out var i) && i >= 0 && i < array.Count)
            array.RemoveAt(i);
    }
}
