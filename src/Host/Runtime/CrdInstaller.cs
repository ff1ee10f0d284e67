using Tide.Engine.Api.Crds;
using Tide.Engine.Kube;

namespace Tide.Host.Runtime;

/// <summary>Installs Tide's CRDs (generated from the API types) where the cluster lacks them, and waits until they
/// are established.</summary>
public static class CrdInstaller
{
    public static async Task InstallMissingAsync(KubeClient kube, CancellationToken ct)
    {
        var missing = new List<System.Text.Json.Nodes.JsonObject>();
        foreach (var crd in Crds.Manifests())
        {
            if (await kube.GetAsync(ObjectRef.Of(crd), ct) is null)
                missing.Add(crd);
        }
        if (missing.Count > 0)
            await new Engine.Apply.Applier(kube).ApplyStagedAsync(missing, new Engine.Apply.ApplierOptions(), ct);
    }
}
