using System.CommandLine;
using System.Diagnostics;
using System.Text.Json.Nodes;
using Tide.Actors.Cluster;
using Tide.ApiServer;
using Tide.Engine.Api;
using Tide.Engine.Kube;
using Tide.Host.Logging;
using Tide.Host.Runtime;

namespace Tide.Host.Commands;

/// <summary>
/// `tide up`: the zero-setup loop. Starts the embedded API server, a one-node Tide, and a GitRepository plus a
/// Kustomization for the given source, then keeps reconciling (and printing what happens) until Ctrl+C.
/// </summary>
public static class UpCommand
{
    private const string Namespace = "flux-system";
    private const string Name = "tide-up";

    public static Command Create()
    {
        var source = new Option<string>("--source") { Description = "A Git URL or a local Git repository path.", Required = true };
        var path = new Option<string>("--path") { Description = "The path in the repository to apply.", DefaultValueFactory = _ => "./" };
        var branch = new Option<string?>("--branch") { Description = "The branch to follow (default: the local repository's current branch, else main)." };
        var interval = new Option<string>("--interval") { Description = "How often to fetch and reconcile (Go duration).", DefaultValueFactory = _ => "1m" };
        var kubeconfigOut = new Option<string>("--kubeconfig-out") { Description = "Where to write the kubeconfig of the embedded API server.", DefaultValueFactory = _ => ".tide/kubeconfig" };
        var config = new Option<FileInfo?>("--config") { Description = "A HOCON file layered over Tide's defaults." };
        var logLevel = NodeLogging.LevelOption();
        var logEncoding = NodeLogging.EncodingOption();
        var command = new Command("up", "Start an embedded API server and Tide, and reconcile a Git source into it.")
        {
            source, path, branch, interval, kubeconfigOut, config, logLevel, logEncoding,
        };
        command.SetAction(async (parse, ct) =>
        {
            using var logging = NodeLogging.Create(parse.GetValue(logLevel)!, parse.GetValue(logEncoding)!, Console.Out);
            if (logging is null)
                return 2;
            if (!GoDuration.TryParse(parse.GetValue(interval), out _))
            {
                Console.Error.WriteLine($"tide up: --interval '{parse.GetValue(interval)}' is not a duration such as 1m or 30s");
                return 2;
            }
            var (url, defaultBranch) = ResolveSource(parse.GetValue(source)!);
            var kubeconfig = Path.GetFullPath(parse.GetValue(kubeconfigOut)!);

            await using var apiServer = await ApiServerHost.StartAsync(new ApiServerOptions(), ct);
            Directory.CreateDirectory(Path.GetDirectoryName(kubeconfig)!);
            apiServer.WriteKubeconfig(kubeconfig);
            logging.Say($"tide: API server at {apiServer.Url}; kubeconfig written to {kubeconfig}");
            logging.Say($"tide: try `kubectl --kubeconfig {kubeconfig} get all -A`");

            // Zero set-up: the source may be this machine's own repository, and the UI's buttons need no login (the
            // embedded API server's one user is the person at the keyboard). Akka's logging follows the --log-* flags.
            var hocon = TideConfig.Load(parse.GetValue(config)?.FullName, overrides: logging.AkkaConfig,
                commandDefaults: "tide.sources.allow-local = on\ntide.ui.impersonate = off");
            if (await RunCommand.TryStartAsync(hocon, kubeconfig, logging, ct) is not { } runtime)
                return 1;
            await using var started = runtime;
            await CreateObjectsAsync(runtime.Kube, url, parse.GetValue(branch) ?? defaultBranch, parse.GetValue(path)!,
                parse.GetValue(interval)!, ct);
            if (runtime.UiUrl is { } ui)
                logging.Say($"tide: web UI at {ui}");
            logging.Say($"tide: reconciling {url} (path {parse.GetValue(path)}) every {parse.GetValue(interval)}; Ctrl+C to stop");
            await RunCommand.WaitForShutdownAsync(ct);
            return 0;
        });
        return command;
    }

    /// <summary>A local path becomes a file:// URL, with its current branch as the default.</summary>
    private static (string Url, string Branch) ResolveSource(string source)
    {
        if (source.Contains("://", StringComparison.Ordinal) || source.StartsWith("git@", StringComparison.Ordinal))
            return (source, "main");
        var full = Path.GetFullPath(source);
        return (new Uri(full).AbsoluteUri, CurrentBranch(full) ?? "main");
    }

    private static string? CurrentBranch(string repository)
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["-C", repository, "symbolic-ref", "--short", "HEAD"])
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
            });
            var branch = git?.StandardOutput.ReadToEnd().Trim();
            git?.WaitForExit();
            return git?.ExitCode == 0 && !string.IsNullOrEmpty(branch) ? branch : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }

    private static async Task CreateObjectsAsync(KubeClient kube, string url, string branch, string path, string interval,
        CancellationToken ct)
    {
        var apply = new ApplyOptions { FieldManager = "tide-up" };
        await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = "v1",
            ["kind"] = "Namespace",
            ["metadata"] = new JsonObject { ["name"] = Namespace },
        }, apply, ct);
        await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = GitRepository.ApiVersionV1,
            ["kind"] = GitRepository.KindName,
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["url"] = url,
                ["ref"] = new JsonObject { ["branch"] = branch },
                ["interval"] = interval,
            },
        }, apply, ct);
        await kube.ApplyAsync(new JsonObject
        {
            ["apiVersion"] = Kustomization.ApiVersionV1,
            ["kind"] = Kustomization.KindName,
            ["metadata"] = new JsonObject { ["name"] = Name, ["namespace"] = Namespace },
            ["spec"] = new JsonObject
            {
                ["sourceRef"] = new JsonObject { ["kind"] = GitRepository.KindName, ["name"] = Name },
                ["path"] = path,
                ["interval"] = interval,
                ["prune"] = true,
            },
        }, apply, ct);
    }
}
