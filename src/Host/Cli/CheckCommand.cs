using System.CommandLine;
using System.Text.Json.Nodes;
using Tide.Engine.Api.Crds;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide check [--pre]`: the API server answers (and its version), Tide's CRDs are installed and established at the
/// versions Tide serves, and Tide nodes are up; ends with a verdict and exit 1 when a check failed. `--pre` checks
/// only what an install needs: the API server.
/// </summary>
public static class CheckCommand
{
    public static Command Create()
    {
        var pre = new Option<bool>("--pre") { Description = "Only run pre-installation checks." };
        var command = ClusterOptions.AddTo(new Command("check", "Check requirements and installation.") { pre });
        CliAction.Set(command, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            CliConsole.Action("checking prerequisites");
            CliConsole.Success($"Kubernetes {await TideNodes.ServerVersionAsync(kube, ct)} reachable at {kube.BaseUri}");
            if (parse.GetValue(pre))
            {
                CliConsole.Success("prerequisites checks passed");
                return 0;
            }
            var passed = true;
            CliConsole.Action("checking crds");
            foreach (var crd in Crds.Manifests())
            {
                var name = crd["metadata"]!["name"]!.GetValue<string>();
                var versions = string.Join(",", (crd["spec"]?["versions"] as JsonArray ?? []).Select(v => v?["name"]?.GetValue<string>()));
                var live = await kube.GetAsync(ObjectRef.Of(crd), ct);
                if (live is null)
                {
                    CliConsole.Failure($"{name}: not installed (run `tide install`)");
                    passed = false;
                }
                else if (!Established(live))
                {
                    CliConsole.Failure($"{name}/{versions}: not established");
                    passed = false;
                }
                else
                    CliConsole.Success($"{name}/{versions}");
            }
            CliConsole.Action("checking nodes");
            var nodes = await TideNodes.UpAsync(kube, ClusterOptions.ListNamespace(parse), ct);
            if (nodes.Count == 0)
            {
                CliConsole.Failure($"no Tide node is up in {ClusterOptions.ListNamespace(parse) ?? "any"} namespace");
                passed = false;
            }
            foreach (var node in nodes)
                CliConsole.Success($"node {node.Address} v{node.Version}");
            if (passed)
                CliConsole.Success("all checks passed");
            else
                CliConsole.Failure("check failed");
            return passed ? 0 : 1;
        });
        return command;
    }

    private static bool Established(JsonObject crd) =>
        (crd["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c =>
            c["type"]?.GetValue<string>() == "Established" && c["status"]?.GetValue<string>() == "True") == true;
}
