using System.CommandLine;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide suspend <kind> NAME|--all` sets spec.suspend; `tide resume <kind> NAME|--all` clears it, requests a
/// reconcile and waits for it as `tide reconcile` does.
/// </summary>
public static class SuspendCommand
{
    public static Command CreateSuspend() => Create(suspend: true);

    public static Command CreateResume() => Create(suspend: false);

    private static Command Create(bool suspend) => KindVerbs.Create(suspend ? "suspend" : "resume",
        suspend ? "Suspend the reconciliation of resources" : "Resume suspended resources", FluxKind.All, (kind, command) =>
        {
            var (name, all) = KindVerbs.NameOrAll(command);
            CliAction.Set(command, async (parse, ct) =>
            {
                using var kube = ClusterOptions.Connect(parse);
                var ns = parse.GetValue(ClusterOptions.Namespace)!;
                var names = parse.GetValue(all)
                    ? (await FluxObjects.ListAsync(kube, kind, ns, ct)).Select(FluxObjects.Name).ToList()
                    : [FluxObjects.Name(await FluxObjects.GetAsync(kube, kind, ns, parse.GetValue(name)!, ct))];
                if (names.Count == 0)
                    CliConsole.Failure($"no {kind.Kind} objects found in {ns} namespace");
                foreach (var each in names)
                {
                    if (suspend)
                        await SuspendAsync(kube, kind, ns, each, ct);
                    else
                        await ResumeAsync(kube, kind, ns, each, parse.GetValue(ClusterOptions.Timeout), ct);
                }
                return 0;
            });
            return command;
        });

    private static async Task SuspendAsync(KubeClient kube, FluxKind kind, string ns, string name, CancellationToken ct)
    {
        CliConsole.Action($"suspending {kind.HumanName} {name} in {ns} namespace");
        await FluxObjects.SuspendAsync(kube, kind, ns, name, ct);
        CliConsole.Success($"{kind.HumanName} suspended");
    }

    private static async Task ResumeAsync(KubeClient kube, FluxKind kind, string ns, string name, TimeSpan timeout, CancellationToken ct)
    {
        CliConsole.Action($"resuming {kind.HumanName} {name} in {ns} namespace");
        var requestedAt = await FluxObjects.ResumeAsync(kube, kind, ns, name, ct);
        CliConsole.Success($"{kind.HumanName} resumed");
        var done = await CliConsole.WaitAsync($"waiting for {kind.Kind} reconciliation",
            () => FluxObjects.WaitHandledAsync(kube, kind, ns, name, requestedAt, timeout, ct));
        CliConsole.Success($"{kind.Kind} reconciliation completed");
        CliConsole.Success($"{kind.RevisionVerb} {kind.Revision(done)}");
    }
}
