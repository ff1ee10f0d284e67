using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Actors.Handlers;

/// <summary>Reads the Secrets a source names (secretRef, certSecretRef) from its namespace, for its reconciler.</summary>
public sealed class SecretReader(KubeClient kube)
{
    public async Task<ReferencedSecrets> ReadAsync(string @namespace, LocalObjectReference? auth, LocalObjectReference? cert,
        CancellationToken ct) => new()
    {
        Auth = await DataAsync(@namespace, auth, ct),
        Cert = await DataAsync(@namespace, cert, ct),
    };

    private async Task<IReadOnlyDictionary<string, byte[]>?> DataAsync(string @namespace, LocalObjectReference? reference,
        CancellationToken ct)
    {
        if (reference is null)
            return null;
        var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", @namespace, reference.Name), ct);
        if (secret?["data"] is not System.Text.Json.Nodes.JsonObject data)
            return null;
        return data.Where(kv => kv.Value is not null)
            .ToDictionary(kv => kv.Key, kv => Convert.FromBase64String(kv.Value!.GetValue<string>()));
    }
}
