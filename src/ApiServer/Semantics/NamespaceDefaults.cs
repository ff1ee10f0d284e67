using System.Text.Json.Nodes;

namespace Tide.ApiServer.Semantics;

/// <summary>
/// What Kubernetes' controllers put in every namespace as soon as it exists: the <c>default</c> ServiceAccount (the
/// service account controller) and the <c>kube-root-ca.crt</c> ConfigMap holding the CA bundle that verifies the API
/// server (the root CA publisher). Created with the namespace, as kube-controller-manager's field manager.
/// </summary>
internal sealed class NamespaceDefaults(string caBundlePem)
{
    public const string FieldManager = "kube-controller-manager";

    private const string RootCaDescription = "Contains a CA bundle that can be used to verify the kube-apiserver when " +
        "using internal endpoints such as the internal service IP or kubernetes.default.svc. No other usage is " +
        "guaranteed across distributions of Kubernetes clusters.";

    /// <summary>The objects of a new namespace, each with its REST storage key.</summary>
    public IEnumerable<(string Storage, JsonObject Object)> For(string ns)
    {
        yield return ("serviceaccounts", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ServiceAccount",
            ["metadata"] = new JsonObject { ["name"] = "default", ["namespace"] = ns },
        });
        yield return ("configmaps", new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "ConfigMap",
            ["metadata"] = new JsonObject
            {
                ["name"] = "kube-root-ca.crt",
                ["namespace"] = ns,
                ["annotations"] = new JsonObject { ["kubernetes.io/description"] = RootCaDescription },
            },
            ["data"] = new JsonObject { ["ca.crt"] = caBundlePem },
        });
    }
}
