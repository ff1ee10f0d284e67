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
