using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Semantics;
using Tide.ApiServer.Serialization;
using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// The Roles, ClusterRoles, RoleBindings and ClusterRoleBindings of one store state, compiled for lookups: each
/// binding's subjects index the rules of its role (resolved once, aggregated ClusterRoles included), cluster-wide for
/// ClusterRoleBindings and per namespace for RoleBindings. A ServiceAccount subject is indexed as its user name
/// (<c>system:serviceaccount:NS:NAME</c>), which is how Kubernetes matches it.
/// </summary>
internal sealed class RbacPolicy
{
    public const string Group = "rbac.authorization.k8s.io";
    public const string Roles = "roles." + Group;
    public const string ClusterRoles = "clusterroles." + Group;
    public const string RoleBindings = "rolebindings." + Group;
    public const string ClusterRoleBindings = "clusterrolebindings." + Group;

    /// <summary>Rules one binding grants to one of its subjects, or the error resolving its role.</summary>
    private sealed record Grant(string Source, IReadOnlyList<PolicyRule> Rules, string? Error);

    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _roles;
    private readonly Dictionary<string, IReadOnlyList<PolicyRule>> _clusterRoles;
    private readonly Dictionary<string, List<Grant>> _cluster = new(StringComparer.Ordinal);
    private readonly Dictionary<string, Dictionary<string, List<Grant>>> _byNamespace = new(StringComparer.Ordinal);

    public RbacPolicy(StoreState state)
    {
        _roles = state.List(Roles, null).ToDictionary(r => r.Key, r => RulesOf(r.ToNode()), StringComparer.Ordinal);
        _clusterRoles = ClusterRoleRules(state.List(ClusterRoles, null).Select(r => r.ToNode()).ToList());
        foreach (var stored in state.List(ClusterRoleBindings, null))
        {
            Index(_cluster, stored.ToNode(), "");
        }
        foreach (var stored in state.List(RoleBindings, null))
        {
            if (!_byNamespace.TryGetValue(stored.Namespace!, out var grants))
            {
                _byNamespace[stored.Namespace!] = grants = new Dictionary<string, List<Grant>>(StringComparer.Ordinal);
            }
            Index(grants, stored.ToNode(), stored.Namespace!);
        }
    }

    /// <summary>Every rule <paramref name="user"/> holds in <paramref name="ns"/> ("": cluster-wide only), and the
    /// errors resolving the roles of its bindings.</summary>
    public (IReadOnlyList<PolicyRule> Rules, IReadOnlyList<string> Errors) RulesFor(RequestUser user, string ns)
    {
        var grants = GrantsOf(user, ns).ToList();
        return (grants.SelectMany(g => g.Rules).ToList(), grants.Select(g => g.Error).OfType<string>().Distinct().ToList());
    }

    /// <summary>The rules a binding in <paramref name="ns"/> ("": a ClusterRoleBinding) referring to the role
    /// <paramref name="kind"/>/<paramref name="name"/> grants, or why it grants nothing.</summary>
    public (IReadOnlyList<PolicyRule> Rules, string? Error) RoleReferenceRules(string kind, string name, string ns) => kind switch
    {
        "Role" => _roles.TryGetValue(StoredObject.KeyOf(ns, name), out var rules) ? (rules, null) : ([], $"role.{Group} \"{name}\" not found"),
        "ClusterRole" => _clusterRoles.TryGetValue(name, out var rules) ? (rules, null) : ([], $"clusterrole.{Group} \"{name}\" not found"),
        _ => ([], $"unsupported role reference kind: \"{kind}\""),
    };

    /// <summary>Kubernetes' RBAC decision: allowed by the first binding of the user or one of its groups (cluster-wide,
    /// then in the request's namespace) with a matching rule; otherwise denied, with the bindings whose role could not
    /// be found as the reason.</summary>
    public AccessDecision Authorize(AccessAttributes request)
    {
        var errors = new List<string>();
        foreach (var grant in GrantsOf(request.User, request.Namespace))
        {
            if (grant.Error is not null)
            {
                errors.Add(grant.Error);
            }
            else if (grant.Rules.Any(r => r.Allows(request)))
            {
                return new AccessDecision(true, "RBAC: allowed by " + grant.Source);
            }
        }
        var distinct = errors.Distinct().ToList();
        return new AccessDecision(false, distinct.Count switch
        {
            0 => "",
            1 => "RBAC: " + distinct[0],
            _ => "RBAC: [" + string.Join(", ", distinct) + "]",
        });
    }

    private IEnumerable<Grant> GrantsOf(RequestUser user, string ns)
    {
        var keys = user.Groups.Select(GroupKey).Prepend(UserKey(user.Name)).ToList();
        foreach (var key in keys)
        {
            if (_cluster.TryGetValue(key, out var grants))
            {
                foreach (var g in grants) yield return g;
            }
        }
        if (ns.Length == 0 || !_byNamespace.TryGetValue(ns, out var local)) yield break;
        foreach (var key in keys)
        {
            if (local.TryGetValue(key, out var grants))
            {
                foreach (var g in grants) yield return g;
            }
        }
    }

    private static string UserKey(string name) => "u:" + name;

    private static string GroupKey(string name) => "g:" + name;

    private void Index(Dictionary<string, List<Grant>> index, JsonObject binding, string ns)
    {
        var name = binding["metadata"].Str("name") ?? "";
        var roleRef = binding["roleRef"] as JsonObject;
        var roleKind = roleRef.Str("kind") ?? "";
        var roleName = roleRef.Str("name") ?? "";
        var (rules, error) = RoleReferenceRules(roleKind, roleName, ns);
        var bindingKind = ns.Length == 0 ? "ClusterRoleBinding" : "RoleBinding";
        var bindingName = ns.Length == 0 ? name : name + "/" + ns;
        foreach (var subject in (binding["subjects"] as JsonArray ?? []).OfType<JsonObject>())
        {
            var subjectName = subject.Str("name") ?? "";
            var (key, described) = subject.Str("kind") switch
            {
                "User" => (UserKey(subjectName), $"User \"{subjectName}\""),
                "Group" => (GroupKey(subjectName), $"Group \"{subjectName}\""),
                "ServiceAccount" when (subject.Str("namespace") is { Length: > 0 } n ? n : ns) is { Length: > 0 } saNamespace =>
                    (UserKey(RequestUser.ServiceAccountPrefix + saNamespace + ":" + subjectName),
                        $"ServiceAccount \"{subjectName}/{saNamespace}\""),
                _ => (null, ""),
            };
            if (key is null) continue;
            if (!index.TryGetValue(key, out var grants)) index[key] = grants = [];
            grants.Add(new Grant($"{bindingKind} \"{bindingName}\" of {roleKind} \"{roleName}\" to {described}", rules, error));
        }
    }

    /// <summary>Each ClusterRole's rules; an aggregated one (aggregationRule) has the rules of every ClusterRole its
    /// selectors match, as Kubernetes' aggregation controller would have written into it.</summary>
    private static Dictionary<string, IReadOnlyList<PolicyRule>> ClusterRoleRules(List<JsonObject> clusterRoles)
    {
        var byName = clusterRoles.ToDictionary(r => r["metadata"].Str("name") ?? "", StringComparer.Ordinal);
        var result = new Dictionary<string, IReadOnlyList<PolicyRule>>(StringComparer.Ordinal);
        IReadOnlyList<PolicyRule> Resolve(string name, HashSet<string> visiting)
        {
            if (result.TryGetValue(name, out var done)) return done;
            var role = byName[name];
            if (role["aggregationRule"]?["clusterRoleSelectors"] is not JsonArray selectors || !visiting.Add(name))
            {
                return result[name] = RulesOf(role);
            }
            var matchers = selectors.OfType<JsonObject>().Select(LabelSelector.FromObject).ToList();
            var rules = byName
                .Where(other => other.Key != name && matchers.Any(m => m.Matches(LabelsOf(other.Value))))
                .OrderBy(other => other.Key, StringComparer.Ordinal)
                .SelectMany(other => Resolve(other.Key, visiting))
                .ToList();
            visiting.Remove(name);
            return result[name] = rules;
        }
        foreach (var name in byName.Keys) Resolve(name, new HashSet<string>(StringComparer.Ordinal));
        return result;
    }

    private static Dictionary<string, string> LabelsOf(JsonObject obj) =>
        (obj["metadata"]?["labels"] as JsonObject ?? []).ToDictionary(l => l.Key, l => l.Value?.ToString() ?? "", StringComparer.Ordinal);

    public static IReadOnlyList<PolicyRule> RulesOf(JsonObject role) =>
        (role["rules"] as JsonArray ?? []).OfType<JsonObject>().Select(PolicyRule.From).ToList();
}
