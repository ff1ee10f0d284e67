using System.CommandLine;
using Spectre.Console;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>`tide tree kustomization NAME`: the Kustomization's inventory as a tree; Kustomizations it applied are
/// expanded into their own inventories.</summary>
public static class TreeCommand
{
    public static Command Create()
    {
        var tree = ClusterOptions.AddTo(new Command("tree", "Print the resources reconciled by Flux."));
        var name = new Argument<string>("NAME") { Description = "The Kustomization's name." };
        var kustomization = new Command("kustomization", "Print the resources a Kustomization reconciles, as a tree.") { name };
        kustomization.Aliases.Add("ks");
        CliAction.Set(kustomization, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            var root = new Tree(new Text($"Kustomization/{ns}/{parse.GetValue(name)}")).Guide(TreeGuide.Line);
            await AddInventoryAsync(kube, ns, parse.GetValue(name)!, root, [], ct);
            CliConsole.Out.Write(root);
            return 0;
        });
        tree.Subcommands.Add(kustomization);
        return tree;
    }

    private static async Task AddInventoryAsync(KubeClient kube, string ns, string name, IHasTreeNodes parent,
        HashSet<string> seen, CancellationToken ct)
    {
        var ks = await FluxObjects.GetAsync(kube, FluxKind.Kustomization, ns, name, ct);
        seen.Add($"{ns}/{name}");
        foreach (var entry in (ks["status"]?["inventory"]?["entries"]?.AsArray() ?? []).Select(e => ObjectRef.FromInventory(
                     e?["id"]?.GetValue<string>() ?? "", e?["v"]?.GetValue<string>() ?? "")))
        {
            var node = parent.AddNode(new Text(entry.ToString()));
            if (entry.Kind == FluxKind.Kustomization.Kind && entry.ApiVersion == FluxKind.Kustomization.ApiVersion &&
                !seen.Contains($"{entry.Namespace}/{entry.Name}"))
                await AddInventoryAsync(kube, entry.Namespace, entry.Name, node, seen, ct);
        }
    }
}
