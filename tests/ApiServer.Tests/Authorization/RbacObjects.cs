using k8s;
using k8s.Models;

namespace Tide.ApiServer.Tests.Authorization;

/// <summary>Writes Roles, ClusterRoles and their bindings as the admin, with KubernetesClient's typed API.</summary>
internal static class RbacObjects
{
    public static V1PolicyRule Rule(string[] verbs, string[] groups, string[] resources, string[]? names = null) =>
        new() { Verbs = verbs, ApiGroups = groups, Resources = resources, ResourceNames = names };

    public static Rbacv1Subject ServiceAccount(string name, string? ns = null) => new() { Kind = "ServiceAccount", Name = name, NamespaceProperty = ns };

    public static Rbacv1Subject User(string name) => new() { Kind = "User", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    public static Rbacv1Subject Group(string name) => new() { Kind = "Group", Name = name, ApiGroup = "rbac.authorization.k8s.io" };

    public static Task<V1Role> RoleAsync(this IKubernetes client, string ns, string name, params V1PolicyRule[] rules) =>
        client.RbacAuthorizationV1.CreateNamespacedRoleAsync(new V1Role { Metadata = new() { Name = name }, Rules = rules }, ns);

    public static Task<V1ClusterRole> ClusterRoleAsync(this IKubernetes client, string name, params V1PolicyRule[] rules) =>
        client.RbacAuthorizationV1.CreateClusterRoleAsync(new V1ClusterRole { Metadata = new() { Name = name }, Rules = rules });

    public static Task<V1RoleBinding> RoleBindingAsync(this IKubernetes client, string ns, string name, string roleKind, string role,
        params Rbacv1Subject[] subjects) =>
        client.RbacAuthorizationV1.CreateNamespacedRoleBindingAsync(new V1RoleBinding
        {
            Metadata = new() { Name = name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = roleKind, Name = role },
            Subjects = subjects,
        }, ns);

    public static Task<V1ClusterRoleBinding> ClusterRoleBindingAsync(this IKubernetes client, string name, string role,
        params Rbacv1Subject[] subjects) =>
        client.RbacAuthorizationV1.CreateClusterRoleBindingAsync(new V1ClusterRoleBinding
        {
            Metadata = new() { Name = name },
            RoleRef = new V1RoleRef { ApiGroup = "rbac.authorization.k8s.io", Kind = "ClusterRole", Name = role },
            Subjects = subjects,
        });

    public static V1ConfigMap ConfigMap(string name) => new() { Metadata = new() { Name = name }, Data = new Dictionary<string, string> { ["k"] = "v" } };
}
