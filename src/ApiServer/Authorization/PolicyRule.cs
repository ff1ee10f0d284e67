using System.Text.Json.Nodes;

namespace Tide.ApiServer.Authorization;

/// <summary>One rule of a Role or ClusterRole, matched as Kubernetes' RBAC does (rbac.RuleAllows): verbs and API
/// groups exactly or by "*"; resources exactly, by "*", as "resource/subresource" or "*/subresource";
/// resourceNames only when the request names an object; nonResourceURLs exactly, by "*" or by a "prefix*".</summary>
internal sealed record PolicyRule(
    IReadOnlyList<string> Verbs,
    IReadOnlyList<string> ApiGroups,
    IReadOnlyList<string> Resources,
    IReadOnlyList<string> ResourceNames,
    IReadOnlyList<string> NonResourceUrls)
{
    private const string All = "*";

    public static PolicyRule From(JsonObject rule) => new(
        Strings(rule["verbs"]), Strings(rule["apiGroups"]), Strings(rule["resources"]), Strings(rule["resourceNames"]),
        Strings(rule["nonResourceURLs"]));

    public JsonObject ToJson()
    {
        var rule = new JsonObject();
        void Put(string field, IReadOnlyList<string> values)
        {
            if (values.Count > 0) rule[field] = new JsonArray(values.Select(v => (JsonNode)v).ToArray());
        }
        Put("verbs", Verbs);
        Put("apiGroups", ApiGroups);
        Put("resources", Resources);
        Put("resourceNames", ResourceNames);
        Put("nonResourceURLs", NonResourceUrls);
        return rule;
    }

    public bool Allows(AccessAttributes request)
    {
        if (!Matches(Verbs, request.Verb)) return false;
        if (!request.IsResourceRequest) return NonResourceUrls.Any(url => UrlMatches(url, request.Path));
        return Matches(ApiGroups, request.Group)
            && ResourceMatches(request.Resource, request.Subresource)
            && (ResourceNames.Count == 0 || ResourceNames.Contains(request.Name));
    }

    /// <summary>This rule as rules of one verb, one group, one resource (or URL) and at most one resource name each,
    /// which is how Kubernetes compares what a role grants with what its author holds.</summary>
    public IEnumerable<PolicyRule> Breakdown()
    {
        foreach (var group in ApiGroups)
        foreach (var resource in Resources)
        foreach (var verb in Verbs)
        {
            if (ResourceNames.Count == 0) yield return new PolicyRule([verb], [group], [resource], [], []);
            foreach (var name in ResourceNames) yield return new PolicyRule([verb], [group], [resource], [name], []);
        }
        foreach (var url in NonResourceUrls)
        foreach (var verb in Verbs)
        {
            yield return new PolicyRule([verb], [], [], [], [url]);
        }
    }

    /// <summary>Whether this rule grants everything <paramref name="sub"/> (one of <see cref="Breakdown"/>'s rules)
    /// does: a "*" is covered only by a "*"; a resource by "*", itself or "*/its-subresource"; resource names by no
    /// names or the same; a URL by itself or a "prefix*".</summary>
    public bool Covers(PolicyRule sub) =>
        (Verbs.Contains(All) || sub.Verbs.All(Verbs.Contains))
        && (ApiGroups.Contains(All) || sub.ApiGroups.All(ApiGroups.Contains))
        && (Resources.Contains(All) || sub.Resources.All(r => Resources.Contains(r)
            || (r.IndexOf('/') is var slash and >= 0 && Resources.Contains("*/" + r[(slash + 1)..]))))
        && (ResourceNames.Count == 0 || (sub.ResourceNames.Count > 0 && sub.ResourceNames.All(ResourceNames.Contains)))
        && sub.NonResourceUrls.All(url => NonResourceUrls.Any(owner => owner == url
            || (owner.EndsWith('*') && url.StartsWith(owner.TrimEnd('*'), StringComparison.Ordinal))));

    /// <summary>Kubernetes' compact form of a rule in messages: <c>{APIGroups:["apps"], Resources:["deployments"],
    /// Verbs:["get" "list"]}</c>.</summary>
    public override string ToString()
    {
        static string Quoted(IReadOnlyList<string> values) => "[" + string.Join(' ', values.Select(v => $"\"{v}\"")) + "]";
        var parts = new List<string>();
        if (ApiGroups.Count > 0) parts.Add("APIGroups:" + Quoted(ApiGroups));
        if (Resources.Count > 0) parts.Add("Resources:" + Quoted(Resources));
        if (NonResourceUrls.Count > 0) parts.Add("NonResourceURLs:" + Quoted(NonResourceUrls));
        if (ResourceNames.Count > 0) parts.Add("ResourceNames:" + Quoted(ResourceNames));
        if (Verbs.Count > 0) parts.Add("Verbs:" + Quoted(Verbs));
        return "{" + string.Join(", ", parts) + "}";
    }

    private static bool Matches(IReadOnlyList<string> allowed, string value) => allowed.Any(a => a == All || a == value);

    private bool ResourceMatches(string resource, string subresource)
    {
        var combined = subresource.Length == 0 ? resource : resource + "/" + subresource;
        foreach (var r in Resources)
        {
            if (r == All || r == combined) return true;
            if (subresource.Length > 0 && r.Length == subresource.Length + 2 && r.StartsWith("*/", StringComparison.Ordinal)
                && r.EndsWith(subresource, StringComparison.Ordinal))
            {
                return true;
            }
        }
        return false;
    }

    private static bool UrlMatches(string rule, string path) =>
        rule == All || rule == path
        || (rule.EndsWith('*') && path.StartsWith(rule.TrimEnd('*'), StringComparison.Ordinal));

    private static string[] Strings(JsonNode? node) =>
        node is JsonArray array ? array.Select(n => n?.GetValue<string>() ?? "").ToArray() : [];
}
