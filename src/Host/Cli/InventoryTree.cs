using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>An applier's inventory as a tree (`tide tree` and the web UI's object page): the Kustomizations and
/// HelmReleases it applied are expanded into their own inventories.</summary>
public static class InventoryTree
{
    public sealed record Node(ObjectRef Object, IReadOnlyList<Node> Children);

    /// <summary>The entries of the applier's status.inventory, each with its children; an applier seen higher up the
    /// tree is not expanded again (a cycle), one that no longer exists has no children.</summary>
    public static Task<IReadOnlyList<Node>> BuildAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct) =>
        ChildrenAsync(kube, kind, ns, name, [], ct);

    private static async Task<IReadOnlyList<Node>> ChildrenAsync(KubeClient kube, FluxKind kind, string ns, string name,
        HashSet<string> seen, CancellationToken ct)
    {
        seen.Add($"{kind.Kind}/{ns}/{name}");
        var applier = await kube.GetAsync(new ObjectRef(kind.ApiVersion, kind.Kind, ns, name), ct);
        var nodes = new List<Node>();
        foreach (var entry in (applier?["status"]?["inventory"]?["entries"]?.AsArray() ?? []).Select(e => ObjectRef.FromInventory(
                     e?["id"]?.GetValue<string>() ?? "", e?["v"]?.GetValue<string>() ?? "")))
        {
            var nested = FluxKind.Appliers.FirstOrDefault(k => k.Kind == entry.Kind && k.ApiVersion == entry.ApiVersion);
            var children = nested is not null && !seen.Contains($"{entry.Kind}/{entry.Namespace}/{entry.Name}")
                ? await ChildrenAsync(kube, nested, entry.Namespace, entry.Name, seen, ct)
                : [];
            nodes.Add(new Node(entry, children));
        }
        return nodes;
    }
}
