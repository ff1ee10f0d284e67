using Tide.Engine.Api.Crds;
using Tide.Engine.Kube;

namespace Tide.Host.Runtime;

/// <summary>Installs Tide's CRDs (generated from the API types) where the cluster lacks them, and waits until they
/// are established. A cluster that fails now and then (an API server restarting) is retried for a minute.</summary>
public static class CrdInstaller
{
    public static async Task InstallMissingAsync(KubeClient kube, CancellationToken ct)
    {
        var delay = TimeSpan.FromMilliseconds(250);
        for (var deadline = DateTime.UtcNow.AddMinutes(1); ; delay *= 2)
        {
            try
            {
                await InstallOnceAsync(kube, ct);
                return;
            }
            catch (Exception e) when (e is KubeApiException { Status: >= System.Net.HttpStatusCode.InternalServerError } or
                                          KubeApiException { Status: System.Net.HttpStatusCode.TooManyRequests } or
                                          Engine.Apply.ApplyException or HttpRequestException && DateTime.UtcNow < deadline)
            {
                await Task.Delay(delay > TimeSpan.FromSeconds(5) ? TimeSpan.FromSeconds(5) : delay, ct);
            }
        }
    }

    private static async Task InstallOnceAsync(KubeClient kube, CancellationToken ct)
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
