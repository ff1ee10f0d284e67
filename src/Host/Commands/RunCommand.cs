using System.CommandLine;
using Tide.Actors.Cluster;
using Tide.Host.Runtime;

namespace Tide.Host.Commands;

/// <summary>`tide run`: the controller against any cluster, as a node of the Akka cluster its configuration names.</summary>
public static class RunCommand
{
    public static Command Create()
    {
        var kubeconfig = new Option<FileInfo?>("--kubeconfig")
        {
            Description = "The kubeconfig of the cluster to reconcile (default: in-cluster inside a pod, else KUBECONFIG or ~/.kube/config).",
        };
        var config = new Option<FileInfo?>("--config")
        {
            Description = "A HOCON file with `akka` and `tide` sections, layered over Tide's defaults (one-node cluster on free loopback ports).",
        };
        var command = new Command("run", "Run the Tide controller against a cluster.") { kubeconfig, config };
        command.SetAction(async (parse, ct) =>
        {
            var hocon = TideConfig.Load(parse.GetValue(config)?.FullName);
            TideRuntime runtime;
            try
            {
                runtime = await TideRuntime.StartAsync(hocon, parse.GetValue(kubeconfig)?.FullName, Console.WriteLine, ct);
            }
            catch (IOException e)
            {
                // A port taken (artifacts, webhooks, metrics): say which, without a stack trace.
                Console.Error.WriteLine($"tide: {e.Message}");
                return 1;
            }
            await using var _ = runtime;
            Console.WriteLine($"tide: node {runtime.Node.Address} up; artifacts at {runtime.ArtifactUrl}");
            await WaitForShutdownAsync(ct);
            Console.WriteLine("tide: leaving the cluster");
            return 0;
        });
        return command;
    }

    /// <summary>Waits until Ctrl+C or SIGTERM cancels the command.</summary>
    public static async Task WaitForShutdownAsync(CancellationToken ct)
    {
        try
        {
            await Task.Delay(Timeout.Infinite, ct);
        }
        catch (OperationCanceledException)
        {
            // Shutdown requested.
        }
    }
}
