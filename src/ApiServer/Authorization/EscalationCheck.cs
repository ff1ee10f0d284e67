using System.Text.Json.Nodes;
using Tide.ApiServer.Http;
using Tide.ApiServer.Resources;
using Tide.ApiServer.Serialization;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// Kubernetes' guard against privilege escalation through RBAC objects: one may write a Role or ClusterRole only with
/// rules one holds already (in its namespace), and bind a role only if one holds all its rules (where the binding
/// grants them), unless one has the verb <c>escalate</c> on the role, or <c>bind</c> on the bound role. Aggregating
/// ClusterRoles need <c>escalate</c>. system:masters is never checked.
/// </summary>
internal sealed class EscalationCheck(RbacAuthorizer authorizer)
{
    /// <summary>The check of an object of <paramref name="type"/> about to be stored for <paramref name="user"/>;
    /// null when there is nothing to check.</summary>
    public Action<JsonObject>? For(RequestUser user, ResourceType type)
    {
        if (user.IsSuperuser || type.Group != RbacPolicy.Group) return null;
        return type.Plural switch
        {
            "roles" or "clusterroles" => role => CheckRole(user, type, role),
            "rolebindings" or "clusterrolebindings" => binding => CheckBinding(user, type, binding),
            _ => null,
        };
    }

    private void CheckRole(RequestUser user, ResourceType type, JsonObject role)
    {
        var (ns, name) = NameOf(role);
        if (Allowed(user, "escalate", ns, type.Plural, name)) return;
        if (role["aggregationRule"] is JsonObject)
        {
            throw ApiException.Forbidden(type.Group, type.Plural, name, "must have cluster-admin privileges to use the aggregationRule");
        }
        RequireHeld(user, type, ns, name, RbacPolicy.RulesOf(role));
    }

    private void CheckBinding(RequestUser user, ResourceType type, JsonObject binding)
    {
        var (ns, name) = NameOf(binding);
        var roleKind = binding["roleRef"].Str("kind") ?? "";
        var roleName = binding["roleRef"].Str("name") ?? "";
        if (Allowed(user, "bind", ns, roleKind == "Role" ? "roles" : "clusterroles", roleName)) return;
        var (rules, error) = authorizer.Policy().RoleReferenceRules(roleKind, roleName, ns);
        if (error is not null) throw ApiException.Forbidden(type.Group, type.Plural, name, error);
        RequireHeld(user, type, ns, name, rules);
    }

    private bool Allowed(RequestUser user, string verb, string ns, string resource, string name) =>
        authorizer.Authorize(new AccessAttributes(user, verb, true, RbacPolicy.Group, "", ns, resource, "", name)).Allowed;

    /// <summary>Refuses, listing what is missing, unless every rule in <paramref name="granted"/> is covered by a rule
    /// the user holds in <paramref name="ns"/>.</summary>
    private void RequireHeld(RequestUser user, ResourceType type, string ns, string name, IReadOnlyList<PolicyRule> granted)
    {
        var (held, errors) = authorizer.Policy().RulesFor(user, ns);
        var missing = granted.SelectMany(r => r.Breakdown()).Where(sub => !held.Any(h => h.Covers(sub)))
            .Select(r => r.ToString()).Distinct().Order(StringComparer.Ordinal).ToList();
        if (missing.Count == 0) return;
        var groups = string.Join(' ', user.Groups.Select(g => $"\"{g}\""));
        var why = $"user \"{user.Name}\" (groups=[{groups}]) is attempting to grant RBAC permissions not currently held:\n" +
            string.Join('\n', missing);
        if (errors.Count > 0) why += $"; resolution errors: [{string.Join(", ", errors)}]";
        throw ApiException.Forbidden(type.Group, type.Plural, name, why);
    }

    private static (string Namespace, string Name) NameOf(JsonObject obj) =>
        (obj["metadata"].Str("namespace") ?? "", obj["metadata"].Str("name") ?? "");
}
