using System.CommandLine;
using Tide.Host.Runtime;

namespace Tide.Host.Cli;

/// <summary>`tide version [--client]`: the CLI's version, the API server's, and each Tide node's.</summary>
public static class VersionCommand
{
    public static Command Create()
    {
        var clientOnly = new Option<bool>("--client") { Description = "Print only the client version (no cluster needed)." };
        var command = ClusterOptions.AddTo(new Command("version", "Print the client, server and node versions.") { clientOnly });
        CliAction.Set(command, async (parse, ct) =>
        {
            CliConsole.Line($"tide: v{NodeLease.Version}");
            if (parse.GetValue(clientOnly))
                return 0;
            using var kube = ClusterOptions.Connect(parse);
            CliConsole.Line($"server: {await TideNodes.ServerVersionAsync(kube, ct)}");
            var nodes = await TideNodes.UpAsync(kube, ClusterOptions.ListNamespace(parse), ct);
            if (nodes.Count == 0)
                CliConsole.Line("nodes: none running");
            foreach (var node in nodes)
                CliConsole.Line($"node {node.Address}: v{node.Version}");
            return 0;
        });
        return command;
    }
}
