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
                var (sourceKind, sourceNs, sourceName) = SourceOf(kind, obj);
                await FluxObjects.ReconcileAsync(kube, sourceKind, sourceNs, sourceName, timeout, ct);
            }
            await FluxObjects.ReconcileAsync(kube, kind, ns, parse.GetValue(name)!, timeout, ct);
            return 0;
        });
        return command;
    });

    /// <summary>The source an applier reads: a Kustomization's spec.sourceRef, a HelmRelease's chart source
    /// (its HelmChart, as flux reconciles it) or chartRef.</summary>
    private static (FluxKind Kind, string Namespace, string Name) SourceOf(FluxKind kind, System.Text.Json.Nodes.JsonObject obj)
    {
        var ns = FluxObjects.Namespace(obj);
        var spec = obj["spec"];
        var reference = kind == FluxKind.HelmRelease ? spec?["chartRef"] ?? spec?["chart"]?["spec"]?["sourceRef"] : spec?["sourceRef"];
        var sourceKind = reference?["kind"]?.GetValue<string>() is { } k ? FluxKind.ByKindName(k) : null;
        if (reference?["name"]?.GetValue<string>() is not { } sourceName || sourceKind is null)
            throw new CliException($"{kind.Kind} '{ns}/{FluxObjects.Name(obj)}' names no source this CLI knows");
        return (sourceKind, reference["namespace"]?.GetValue<string>() ?? ns, sourceName);
    }
}
