using System.CommandLine;
using Tide.Actors.Cluster;
using Tide.Host.Logging;
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
        var logLevel = NodeLogging.LevelOption();
        var logEncoding = NodeLogging.EncodingOption();
        var command = new Command("run", "Run the Tide controller against a cluster.") { kubeconfig, config, logLevel, logEncoding };
        command.SetAction(async (parse, ct) =>
        {
            using var logging = NodeLogging.Create(parse.GetValue(logLevel)!, parse.GetValue(logEncoding)!, Console.Out);
            if (logging is null)
                return 2;
            var hocon = TideConfig.Load(parse.GetValue(config)?.FullName, overrides: logging.AkkaConfig);
            if (await TryStartAsync(hocon, parse.GetValue(kubeconfig)?.FullName, logging, ct) is not { } runtime)
                return 1;
            await using var _ = runtime;
            logging.Say($"tide: node {runtime.Node.Address} up; artifacts at {runtime.ArtifactUrl}" +
                (runtime.UiUrl is { } ui ? $"; web UI at {ui}" : ""));
            await WaitForShutdownAsync(ct);
            logging.Say("tide: leaving the cluster");
            return 0;
        });
        return command;
    }

    /// <summary>Starts a node; a port it cannot listen on (artifacts, webhooks, metrics, UI) or a wrong cluster setting
    /// is one line on stderr naming it, and null, instead of a stack trace.</summary>
    public static async Task<TideRuntime?> TryStartAsync(Akka.Configuration.Config hocon, string? kubeconfig, NodeLogging logging,
        CancellationToken ct)
    {
        try
        {
            return await TideRuntime.StartAsync(hocon, kubeconfig, logging.Say, logging.Factory, ct);
        }
        catch (Exception e) when (e is IOException or Akka.Configuration.ConfigurationException)
        {
            Console.Error.WriteLine($"tide: {e.Message}");
            return null;
        }
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
