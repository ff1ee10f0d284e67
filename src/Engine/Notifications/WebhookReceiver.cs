using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Notifications;

/// <summary>
/// Handles a call to /hook/&lt;digest&gt; as notification-controller's receiver server does: finds the Receiver whose
/// status.webhookPath is the path (404 if none), refuses it while suspended or not Ready (503), validates the call for
/// its type (400, nothing triggered), then asks every resource of spec.resources to reconcile by setting its
/// reconcile.fluxcd.io/requestedAt annotation (500 when one of them could not be annotated).
/// </summary>
public sealed class WebhookReceiver(KubeClient kube, TimeProvider time)
{
    /// <summary>The API version of a resource that names none (Flux's defaults, with the versions Tide serves).</summary>
    private static readonly Dictionary<string, string> DefaultApiVersions = new(StringComparer.Ordinal)
    {
        [GitRepository.KindName] = GitRepository.ApiVersionV1,
        [OciRepository.KindName] = OciRepository.ApiVersionV1,
        [Bucket.KindName] = Bucket.ApiVersionV1,
        [Kustomization.KindName] = Kustomization.ApiVersionV1,
        ["HelmRelease"] = "helm.toolkit.fluxcd.io/v2",
        ["HelmChart"] = "source.toolkit.fluxcd.io/v1",
        ["HelmRepository"] = "source.toolkit.fluxcd.io/v1",
        ["ImageRepository"] = "image.toolkit.fluxcd.io/v1beta2",
        ["ImagePolicy"] = "image.toolkit.fluxcd.io/v1beta2",
        ["ImageUpdateAutomation"] = "image.toolkit.fluxcd.io/v1beta2",
    };

    /// <summary>Returns the HTTP status to answer and, for a refused or failed call, why (for the node's log).</summary>
    public async Task<(HttpStatusCode Status, string? Error)> HandleAsync(string path, WebhookCall call, CancellationToken ct)
    {
        var found = (await kube.ListAsync(Receiver.ApiVersionV1, Receiver.KindName, null, null, ct)).Items
            .FirstOrDefault(r => r["status"]?["webhookPath"]?.GetValue<string>() == path);
        if (found is null)
            return (HttpStatusCode.NotFound, null);
        var receiver = FluxJson.FromNode<Receiver>(found);
        var name = $"Receiver/{receiver.Metadata.NamespaceProperty}/{receiver.Metadata.Name}";
        var ready = receiver.Status?.Conditions?.Any(c => c is { Type: ConditionTypes.Ready, Status: ConditionStatus.True }) == true;
        if (receiver.Spec.Suspend == true || !ready)
            return (HttpStatusCode.ServiceUnavailable, $"{name}: {(receiver.Spec.Suspend == true ? "suspended" : "not ready")}");

        var ns = receiver.Metadata.NamespaceProperty ?? "";
        var secret = await kube.GetAsync(new ObjectRef("v1", "Secret", ns, receiver.Spec.SecretRef.Name), ct);
        var token = secret?["data"]?["token"]?.GetValue<string>() is { } encoded
            ? Encoding.UTF8.GetString(Convert.FromBase64String(encoded)) : null;
        var invalid = token is null
            ? $"unable to read token from secret '{ns}/{receiver.Spec.SecretRef.Name}'"
            : WebhookValidator.Validate(receiver.Spec.Type, token, receiver.Spec.Events, call);
        if (invalid is not null)
            return (HttpStatusCode.BadRequest, $"{name}: {invalid}");

        ResourceFilter? filter = null;
        JsonNode? request = null;
        if (!string.IsNullOrWhiteSpace(receiver.Spec.ResourceFilter))
        {
            try
            {
                filter = ResourceFilter.Compile(receiver.Spec.ResourceFilter);
                // As Flux: the body is the filter's 'req' only when the call says it is JSON.
                if (call.Header("Content-Type")?.Split(',').Any(t => t.Split(';')[0].Trim() == "application/json") == true)
                    request = JsonNode.Parse(call.Body);
            }
            catch (Exception e) when (e is InvalidOperationException or System.Text.Json.JsonException)
            {
                return (HttpStatusCode.InternalServerError, $"{name}: unable to create resource filters: {e.Message}");
            }
        }

        var errors = new List<string>();
        foreach (var resource in receiver.Spec.Resources)
        {
            try
            {
                await RequestReconcileAsync(resource, ns, filter, request, ct);
            }
            catch (Exception e) when (e is KubeApiException or InvalidOperationException)
            {
                errors.Add(e.Message);
            }
        }
        return errors.Count == 0 ? (HttpStatusCode.OK, null) : (HttpStatusCode.InternalServerError, $"{name}: {string.Join("; ", errors)}");
    }

    private async Task RequestReconcileAsync(ReceiverResourceReference resource, string receiverNamespace, ResourceFilter? filter,
        JsonNode? request, CancellationToken ct)
    {
        var ns = string.IsNullOrEmpty(resource.Namespace) ? receiverNamespace : resource.Namespace;
        var apiVersion = resource.ApiVersion ?? (DefaultApiVersions.TryGetValue(resource.Kind, out var known) ? known
            : throw new InvalidOperationException($"apiVersion must be specified for kind '{resource.Kind}'"));
        var names = new List<string>();
        if (resource.Name == "*")
        {
            if (resource.MatchLabels is not { Count: > 0 } labels)
                throw new InvalidOperationException("matchLabels field not set when using wildcard '*' as name");
            var selector = string.Join(",", labels.Select(l => $"{l.Key}={l.Value}"));
            names.AddRange((await kube.ListAsync(apiVersion, resource.Kind, ns, selector, ct)).Items
                .Where(i => filter?.Accepts(i, request) != false)
                .Select(i => i["metadata"]!["name"]!.GetValue<string>()));
        }
        else if (filter is null)
        {
            names.Add(resource.Name);
        }
        else
        {
            var found = await kube.GetAsync(new ObjectRef(apiVersion, resource.Kind, ns, resource.Name), ct)
                ?? throw new InvalidOperationException($"unable to read {resource.Kind} '{ns}/{resource.Name}': not found");
            if (filter.Accepts(found, request))
                names.Add(resource.Name);
        }
        var patch = new JsonObject
        {
            ["metadata"] = new JsonObject
            {
                ["annotations"] = new JsonObject
                {
                    [SourceReconcileSteps.ReconcileRequestAnnotation] = time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffffffZ"),
                },
            },
        };
        foreach (var name in names)
            await kube.PatchAsync(new ObjectRef(apiVersion, resource.Kind, ns, name), patch, ct);
    }
}
