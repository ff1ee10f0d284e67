using System.Text;
using System.Text.RegularExpressions;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Rendering;

/// <summary>
/// Helm's releaseutil.SortManifests and the `helm template` printer: files in path order split into documents,
/// hooks separated by their annotation, both stably sorted by Helm's install order of kinds.
/// </summary>
public static partial class ManifestSorter
{
    /// <summary>helm v4's InstallOrder; unknown kinds go last, alphabetically.</summary>
    public static readonly IReadOnlyList<string> InstallOrder =
    [
        "PriorityClass", "Namespace", "NetworkPolicy", "ResourceQuota", "LimitRange", "PodSecurityPolicy",
        "PodDisruptionBudget", "ServiceAccount", "Secret", "SecretList", "ConfigMap", "StorageClass",
        "PersistentVolume", "PersistentVolumeClaim", "CustomResourceDefinition", "ClusterRole", "ClusterRoleList",
        "ClusterRoleBinding", "ClusterRoleBindingList", "Role", "RoleList", "RoleBinding", "RoleBindingList",
        "Service", "DaemonSet", "Pod", "ReplicationController", "ReplicaSet", "Deployment", "HorizontalPodAutoscaler",
        "StatefulSet", "Job", "CronJob", "IngressClass", "Ingress", "APIService", "MutatingWebhookConfiguration",
        "ValidatingWebhookConfiguration",
    ];

    private static readonly Dictionary<string, int> Rank =
        InstallOrder.Select((k, i) => (k, i)).ToDictionary(x => x.k, x => x.i);

    private static readonly HashSet<string> HookEvents =
    [
        "pre-install", "post-install", "pre-delete", "post-delete", "pre-upgrade", "post-upgrade", "pre-rollback",
        "post-rollback", "test", "test-success",
    ];

    public sealed record Document(string Path, string Content, string Kind, bool IsTestHook);

    // Go's RE2 runs this in linear time; .NET's backtracking engine would retry \s* at every indentation space.
    [GeneratedRegex(@"(?:^|\s*\n)---\s*", RegexOptions.NonBacktracking)]
    private static partial Regex Separator();

    /// <summary>Splits and classifies rendered files; returns (manifests, hooks), each sorted by kind.</summary>
    public static (List<Document> Manifests, List<Document> Hooks) Sort(IReadOnlyDictionary<string, string> files)
    {
        var manifests = new List<Document>();
        var hooks = new List<Document>();
        foreach (var path in files.Keys.OrderBy(p => p, StringComparer.Ordinal))
        {
            var content = files[path];
            if (Path.GetFileName(path).StartsWith('_') || content.Trim().Length == 0)
                continue;
            foreach (var doc in Split(content))
            {
                var head = ParseHead(path, doc);
                var hookAnnotation = head.Annotations?.GetValueOrDefault("helm.sh/hook") as string;
                if (head.Annotations is null || hookAnnotation is null)
                {
                    manifests.Add(new Document(path, doc, head.Kind, false));
                    continue;
                }
                var events = hookAnnotation.Split(',').Select(e => e.Trim().ToLowerInvariant()).ToList();
                if (events.Any(e => !HookEvents.Contains(e)))
                    continue;
                hooks.Add(new Document(path, doc, head.Kind, events.Any(e => e is "test" or "test-success")));
            }
        }
        return (ByKind(manifests), ByKind(hooks));
    }

    private static List<Document> ByKind(List<Document> docs) =>
        docs.Select((d, i) => (d, i)).OrderBy(x => x, Comparer<(Document d, int i)>.Create((a, b) =>
        {
            var ka = Rank.TryGetValue(a.d.Kind, out var ra);
            var kb = Rank.TryGetValue(b.d.Kind, out var rb);
            if (!ka && !kb)
                return a.d.Kind != b.d.Kind ? string.CompareOrdinal(a.d.Kind, b.d.Kind) : a.i.CompareTo(b.i);
            if (!ka) return 1;
            if (!kb) return -1;
            return ra != rb ? ra.CompareTo(rb) : a.i.CompareTo(b.i);
        })).Select(x => x.d).ToList();

    /// <summary>SplitManifests: TrimSpace, split on the separator regex, drop empty documents, TrimSpace each.</summary>
    public static List<string> Split(string content)
    {
        var docs = new List<string>();
        foreach (var d in Separator().Split(content.Trim(GoSpace)))
        {
            if (d.Length == 0)
                continue;
            docs.Add(d.Trim(GoSpace));
        }
        return docs;
    }

    internal static readonly char[] GoSpace = [' ', '\t', '\n', '\r', '\v', '\f', '\u0085', '\u00A0'];

    private sealed record Head(string Kind, Dictionary<string, object?>? Annotations);

    // Document heads are a pure function of the document text; a chart rendered again (every reconcile) yields the
    // same large documents (CRDs), whose YAML scan dominates sorting. Failed parses are not cached.
    private static readonly System.Collections.Concurrent.ConcurrentDictionary<string, Head> HeadCache = new(StringComparer.Ordinal);
    private const int HeadCacheLimit = 4096;

    private static Head ParseHead(string path, string doc)
    {
        if (HeadCache.TryGetValue(doc, out var cached))
            return cached;
        var head = ParseHeadUncached(path, doc);
        if (HeadCache.Count > HeadCacheLimit)
            HeadCache.Clear();
        HeadCache[doc] = head;
        return head;
    }

    private static Head ParseHeadUncached(string path, string doc)
    {
        object? parsed;
        string kind;
        Dictionary<string, object?>? annotations;
        try
        {
            if (!GoYaml.TryParseHead(doc, out parsed, out kind, out annotations))
                return new Head("", null);
        }
        catch (FormatException e)
        {
            throw new RenderException($"YAML parse error on {path}: error converting YAML to JSON: {e.Message}", duringRender: true);
        }
        if (parsed is null)
            return new Head("", null);
        if (parsed is not Dictionary<string, object?>)
            throw new RenderException($"YAML parse error on {path}: error unmarshaling JSON: while decoding JSON: json: cannot unmarshal {(parsed is List<object?> ? "array" : parsed is string ? "string" : "number")} into Go value of type releaseutil.SimpleHead", duringRender: true);
        return new Head(kind, annotations);
    }
}
