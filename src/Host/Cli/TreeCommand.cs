using System.CommandLine;
using Spectre.Console;

namespace Tide.Host.Cli;

/// <summary>`tide tree kustomization NAME`: the Kustomization's inventory as a tree; Kustomizations it applied are
/// expanded into their own inventories, and so are HelmReleases.</summary>
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
            var ks = await FluxObjects.GetAsync(kube, FluxKind.Kustomization, ns, parse.GetValue(name)!, ct);
            var root = new Tree(new Text($"Kustomization/{ns}/{FluxObjects.Name(ks)}")).Guide(TreeGuide.Line);
            Add(root, await InventoryTree.BuildAsync(kube, FluxKind.Kustomization, ns, FluxObjects.Name(ks), ct));
            CliConsole.Out.Write(root);
            return 0;
        });
        tree.Subcommands.Add(kustomization);
        return tree;
    }

    private static void Add(IHasTreeNodes parent, IReadOnlyList<InventoryTree.Node> nodes)
    {
        foreach (var node in nodes)
            Add(parent.AddNode(new Text(node.Object.ToString())), node.Children);
    }
}
