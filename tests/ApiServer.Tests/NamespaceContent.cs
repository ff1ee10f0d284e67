using k8s.Models;

namespace Tide.ApiServer.Tests;

/// <summary>Every namespace holds the <c>kube-root-ca.crt</c> ConfigMap, as in Kubernetes; tests about their own
/// ConfigMaps look past it.</summary>
public static class NamespaceContent
{
    public const string RootCa = "kube-root-ca.crt";

    /// <summary>The names of the listed ConfigMaps a test created (all but the root CA's).</summary>
    public static IReadOnlyList<string> OwnConfigMaps(V1ConfigMapList list) =>
        list.Items.Select(i => i.Metadata.Name).Where(n => n != RootCa).ToList();
}
