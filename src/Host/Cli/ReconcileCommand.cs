using System.CommandLine;

namespace Tide.Host.Cli;

/// <summary>
/// `tide reconcile source git|oci|bucket|helm|chart NAME`, `tide reconcile kustomization|helmrelease NAME
/// [--with-source]`: annotates reconcile.fluxcd.io/requestedAt, waits until the object reports the request handled
/// and Ready, and prints the new revision; a failed reconcile exits 1 with the object's message.
/// </summary>
public static class ReconcileCommand
{
    public static Command Create() => KindVerbs.Create("reconcile", "Trigger a reconciliation", FluxKind.All, (kind, command) =>
    {
        var name = new Argument<string>("NAME") { Description = "The object's name." };
        command.Arguments.Add(name);
        var withSource = new Option<bool>("--with-source") { Description = "Reconcile the source first." };
        if (!kind.IsSource)
            command.Options.Add(withSource);
        CliAction.Set(command, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            var timeout = parse.GetValue(ClusterOptions.Timeout);
            if (!kind.IsSource && parse.GetValue(withSource))
            {
                var obj = await FluxObjects.GetAsync(kube, kind, ns, parse.GetValue(name)!, ct);
                var (sourceKind, sourceNs, sourceName) = FluxObjects.SourceOf(kind, obj);
                await FluxObjects.ReconcileAsync(kube, sourceKind, sourceNs, sourceName, timeout, ct);
            }
            await FluxObjects.ReconcileAsync(kube, kind, ns, parse.GetValue(name)!, timeout, ct);
            return 0;
        });
        return command;
    });
}
