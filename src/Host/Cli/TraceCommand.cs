using System.CommandLine;
using System.Text.Json.Nodes;
using k8s;
using Tide.Engine.Kube;
using Tide.Engine.Reconcilers.Kustomizations;

namespace Tide.Host.Cli;

/// <summary>
/// `tide trace <kind> NAME -n NS [--api-version G/V]`: which Kustomization applied an object (its owner labels),
/// from which source and revision, with each one's status, as `flux trace` prints it.
/// </summary>
public static class TraceCommand
{
    private const string HelmNameLabel = "helm.toolkit.fluxcd.io/name";
    private const string HelmNamespaceLabel = "helm.toolkit.fluxcd.io/namespace";

    public static Command Create()
    {
        var kindArgument = new Argument<string>("KIND") { Description = "The object's kind: Deployment, deployment, deployments or deploy." };
        var name = new Argument<string>("NAME") { Description = "The object's name." };
        var apiVersion = new Option<string?>("--api-version") { Description = "The kind's group/version when its name is ambiguous." };
        var command = ClusterOptions.AddTo(new Command("trace", "Trace an object to the Flux resources and source that manage it.")
            { kindArgument, name, apiVersion });
        CliAction.Set(command, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var mapping = await ResolveKindAsync(kube, parse.GetValue(kindArgument)!, parse.GetValue(apiVersion), ct);
            var ns = mapping.Namespaced ? parse.GetValue(ClusterOptions.Namespace)! : "";
            var target = new ObjectRef(mapping.ApiVersion, mapping.Kind, ns, parse.GetValue(name)!);
            var obj = await kube.GetAsync(target, ct) ?? throw new CliException($"{target} not found");
            var labels = obj["metadata"]?["labels"] as JsonObject;
            var (owner, ownerNs, ownerName) = labels?[KustomizationApplier.NameLabel]?.GetValue<string>() is { } ks
                ? (FluxKind.Kustomization, labels[KustomizationApplier.NamespaceLabel]?.GetValue<string>() ?? "", ks)
                : labels?[HelmNameLabel]?.GetValue<string>() is { } hr
                    ? (FluxKind.HelmRelease, labels[HelmNamespaceLabel]?.GetValue<string>() ?? "", hr)
                    : throw new CliException($"{target} is not managed by Flux (no {KustomizationApplier.NameLabel} or {HelmNameLabel} label)");
            var lines = new List<(string, string)> { ("Object", $"{mapping.Kind}/{target.Name}") };
            if (ns.Length > 0)
                lines.Add(("Namespace", ns));
            lines.Add(("Status", "Managed by Flux"));
            Print(lines);
            var applier = await FluxObjects.GetAsync(kube, owner, ownerNs, ownerName, ct);
            var spec = applier["spec"];
            lines = [(owner.Kind, ownerName), ("Namespace", ownerNs)];
            AddIfSet(lines, "Target", spec?["targetNamespace"]);
            AddIfSet(lines, "Path", spec?["path"]);
            lines.Add(("Revision", owner.Revision(applier)));
            AddStatus(lines, applier);
            Print(lines);
            var reference = owner == FluxKind.HelmRelease ? spec?["chart"]?["spec"]?["sourceRef"] ?? spec?["chartRef"] : spec?["sourceRef"];
            if (reference?["kind"]?.GetValue<string>() is { } sourceKindName && FluxKind.ByKindName(sourceKindName) is { } sourceKind &&
                reference["name"]?.GetValue<string>() is { } sourceName)
            {
                var sourceNs = reference["namespace"]?.GetValue<string>() ?? ownerNs;
                var source = await FluxObjects.GetAsync(kube, sourceKind, sourceNs, sourceName, ct);
                lines = [(sourceKind.Kind, sourceName), ("Namespace", sourceNs)];
                AddIfSet(lines, "URL", source["spec"]?["url"]);
                foreach (var refKey in new[] { "branch", "tag", "semver", "commit", "digest" })
                    AddIfSet(lines, char.ToUpperInvariant(refKey[0]) + refKey[1..], source["spec"]?["ref"]?[refKey]);
                lines.Add(("Revision", sourceKind.Revision(source)));
                AddStatus(lines, source);
                Print(lines);
            }
            return 0;
        });
        return command;
    }

    private static void AddIfSet(List<(string, string)> lines, string label, JsonNode? value)
    {
        if (value?.GetValue<string>() is { Length: > 0 } text)
            lines.Add((label, text));
    }

    private static void AddStatus(List<(string, string)> lines, JsonObject obj)
    {
        var ready = FluxObjects.Condition(obj, "Ready");
        var at = ready?["lastTransitionTime"]?.GetValue<string>();
        lines.Add(("Status", ready?["status"]?.GetValue<string>() == "True" ? $"Last reconciled at {at}" : $"Not ready ({ready?["reason"]?.GetValue<string>() ?? "no status yet"})"));
        lines.Add(("Message", FluxObjects.Ready(obj).Message));
    }

    private static void Print(IEnumerable<(string Label, string Value)> lines)
    {
        CliConsole.Line("---");
        foreach (var (label, value) in lines)
            CliConsole.Line($"{label + ":",-16}{value}");
    }

    private sealed record Mapping(string ApiVersion, string Kind, bool Namespaced);

    /// <summary>A kind as a user types it (kind, plural, singular or short name, any case) found by discovery; the
    /// core group wins ties, as kubectl's does.</summary>
    private static async Task<Mapping> ResolveKindAsync(KubeClient kube, string typed, string? apiVersion, CancellationToken ct)
    {
        using var client = new Kubernetes(kube.Configuration);
        var versions = apiVersion is not null ? [apiVersion]
            : new[] { "v1" }.Concat((await client.Apis.GetAPIVersionsAsync(cancellationToken: ct)).Groups
                .Select(g => g.PreferredVersion?.GroupVersion ?? g.Versions[0].GroupVersion));
        foreach (var version in versions)
        {
            var slash = version.IndexOf('/');
            var resources = slash < 0
                ? await client.CoreV1.GetAPIResourcesAsync(ct)
                : await GroupResourcesAsync(client, version, ct);
            var match = resources?.Resources.FirstOrDefault(r => !r.Name.Contains('/') && (
                string.Equals(r.Kind, typed, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(r.Name, typed, StringComparison.OrdinalIgnoreCase) ||
                string.Equals(r.SingularName, typed, StringComparison.OrdinalIgnoreCase) ||
                r.ShortNames?.Contains(typed, StringComparer.OrdinalIgnoreCase) == true));
            if (match is not null)
                return new Mapping(version, match.Kind, match.Namespaced);
        }
        throw new CliException($"the server doesn't have a resource type \"{typed}\"");
    }

    private static async Task<k8s.Models.V1APIResourceList?> GroupResourcesAsync(Kubernetes client, string groupVersion, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(client.BaseUri, "apis/" + groupVersion));
        if (client.Credentials is { } credentials)
            await credentials.ProcessHttpRequestAsync(request, ct);
        using var response = await client.HttpClient.SendAsync(request, ct);
        return response.IsSuccessStatusCode
            ? KubernetesJson.Deserialize<k8s.Models.V1APIResourceList>(await response.Content.ReadAsStringAsync(ct))
            : null;
    }
}
