using Tide.ApiServer.Storage;

namespace Tide.ApiServer.Authorization;

/// <summary>
/// Authorizes requests with the RBAC objects of the store. Members of system:masters are allowed without a look at
/// RBAC. For everyone else the compiled <see cref="RbacPolicy"/> is reused as long as none of the four RBAC kinds
/// changed: the store's immutable per-kind maps are compared by reference, so a binding written a moment ago takes
/// effect on the very next request, and nothing needs to invalidate a cache.
/// </summary>
internal sealed class RbacAuthorizer(ObjectStore store)
{
    private sealed record Compiled(object?[] Sources, RbacPolicy Policy);

    private static readonly string[] Kinds =
        [RbacPolicy.Roles, RbacPolicy.ClusterRoles, RbacPolicy.RoleBindings, RbacPolicy.ClusterRoleBindings];

    private Compiled? _compiled;

    public AccessDecision Authorize(AccessAttributes request) =>
        request.User.IsSuperuser ? AccessDecision.Superuser : Policy().Authorize(request);

    /// <summary>Throws Kubernetes' 403 unless <paramref name="request"/> is allowed.</summary>
    public void Require(AccessAttributes request)
    {
        var decision = Authorize(request);
        if (!decision.Allowed) throw request.Forbidden(decision.Reason);
    }

    /// <summary>The compiled RBAC objects of the store's current state.</summary>
    public RbacPolicy Policy()
    {
        var state = store.State;
        var sources = Kinds.Select(k => (object?)state.Resources.GetValueOrDefault(k)).ToArray();
        var compiled = Volatile.Read(ref _compiled);
        if (compiled is not null && compiled.Sources.AsSpan().SequenceEqual(sources, ReferenceEqualityComparer.Instance)) return compiled.Policy;
        compiled = new Compiled(sources, new RbacPolicy(state));
        Volatile.Write(ref _compiled, compiled);
        return compiled.Policy;
    }
}
