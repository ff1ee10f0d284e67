using System.CommandLine;
using System.Text.Json.Nodes;
using Tide.Engine.Apply;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide install [--export] [-n NS]`: applies Tide's <see cref="Components"/> (CRDs first) and waits until the
/// StatefulSet is ready; `--export` prints them instead. `tide uninstall [--keep-namespace]` removes them, and the
/// finalizers of Flux objects first, so nothing waits for a controller that is gone.
/// </summary>
public static class InstallCommand
{
    public const string FieldManager = "tide-install";

    public static Command CreateInstall()
    {
        var export = new Option<bool>("--export") { Description = "Print the components as YAML instead of applying them." };
        var command = ClusterOptions.AddTo(new Command("install", "Install or upgrade Tide's components.") { export });
        CliAction.Set(command, async (parse, ct) =>
        {
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            if (parse.GetValue(export))
            {
                CliConsole.Write(Components.Render(ns));
                return 0;
            }
            using var kube = ClusterOptions.Connect(parse);
            await ApplyAsync(kube, ns, parse.GetValue(ClusterOptions.Timeout), ct);
            CliConsole.Success("install finished");
            return 0;
        });
        return command;
    }

    /// <summary>Applies the components and waits for the StatefulSet, printing flux's install lines.</summary>
    public static async Task ApplyAsync(KubeClient kube, string ns, TimeSpan timeout, CancellationToken ct)
    {
        CliConsole.Generate("generating manifests");
        var objects = Components.Objects(ns);
        CliConsole.Action($"installing components in {ns} namespace");
        foreach (var change in await new Applier(kube).ApplyStagedAsync(objects, new ApplierOptions { FieldManager = FieldManager }, ct))
            CliConsole.Note(change.ToString());
        var statefulSet = ObjectRef.Of(objects.Single(o => o["kind"]?.GetValue<string>() == "StatefulSet"));
        await CliConsole.WaitAsync("verifying installation", async () =>
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(ct);
            deadline.CancelAfter(timeout);
            try
            {
                while (!IsReady(await kube.GetAsync(statefulSet, deadline.Token)))
                    await Task.Delay(TimeSpan.FromMilliseconds(250), deadline.Token);
            }
            catch (OperationCanceledException) when (!ct.IsCancellationRequested)
            {
                throw new CliException($"timeout waiting for {statefulSet} to become ready after {timeout.TotalSeconds:0}s");
            }
            return true;
        });
        CliConsole.Success($"{statefulSet} ready");
    }

    private static bool IsReady(JsonObject? statefulSet) =>
        statefulSet?["status"] is JsonObject status &&
        status["observedGeneration"]?.GetValue<long>() == statefulSet["metadata"]?["generation"]?.GetValue<long>() &&
        (status["readyReplicas"]?.GetValue<long>() ?? 0) >= (statefulSet["spec"]?["replicas"]?.GetValue<long>() ?? 1);

    public static Command CreateUninstall()
    {
        var keepNamespace = new Option<bool>("--keep-namespace") { Description = "Keep the namespace after removing the components." };
        var command = ClusterOptions.AddTo(new Command("uninstall", "Remove Tide's components and CRDs.") { keepNamespace });
        CliAction.Set(command, async (parse, ct) =>
        {
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            using var kube = ClusterOptions.Connect(parse);
            CliConsole.Action("removing finalizers from Flux objects");
            foreach (var kind in FluxKind.All)
            {
                if (!await FluxObjects.IsServedAsync(kube, kind, ct))
                    continue;
                foreach (var obj in await FluxObjects.ListAsync(kube, kind, null, ct))
                {
                    var target = ObjectRef.Of(obj);
                    if (obj["metadata"]?["finalizers"] is JsonArray { Count: > 0 })
                        await kube.PatchAsync(target, new JsonObject { ["metadata"] = new JsonObject { ["finalizers"] = null } }, ct);
                }
            }
            CliConsole.Action($"deleting components in {ns} namespace");
            foreach (var obj in Components.Objects(ns).Reverse())
            {
                var target = ObjectRef.Of(obj);
                if (target.Kind == "Namespace" && parse.GetValue(keepNamespace))
                    continue;
                if (await kube.DeleteAsync(target, "Background", ct))
                    CliConsole.Note($"{target} deleted");
            }
            CliConsole.Success("uninstall finished");
            return 0;
        });
        return command;
    }
}
