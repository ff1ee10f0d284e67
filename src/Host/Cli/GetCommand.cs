using System.CommandLine;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide get sources git|oci|bucket|helm|chart|all`, `tide get kustomizations|helmreleases|canaries|all`: flux's status
/// tables (NAME REVISION SUSPENDED READY MESSAGE, NAMESPACE first with -A), `--watch` for changes as they happen,
/// `--status-selector ready=false` to keep only matching objects.
/// </summary>
public static class GetCommand
{
    private static readonly Option<bool> Watch = new("--watch", "-w")
    {
        Description = "After listing the requested objects, watch for changes.",
        Recursive = true,
    };

    private static readonly Option<string?> StatusSelector = new("--status-selector")
    {
        Description = "Filter by a status condition, e.g. ready=false.",
        Recursive = true,
    };

    public static Command Create()
    {
        var get = ClusterOptions.AddTo(new Command("get", "Get the status of Flux resources."));
        get.Options.Add(Watch);
        get.Options.Add(StatusSelector);
        var sources = new Command("sources", "Get the status of sources.");
        sources.Aliases.Add("source");
        foreach (var kind in FluxKind.Sources)
            sources.Subcommands.Add(Verb(kind.SourceType!, [], $"Get the status of {kind.Kind} objects.", [kind]));
        sources.Subcommands.Add(Verb("all", [], "Get the status of every source.", FluxKind.Sources));
        get.Subcommands.Add(sources);
        foreach (var kind in FluxKind.Appliers.Append(FluxKind.Canary))
            get.Subcommands.Add(Verb(kind.Plural, kind.Aliases, $"Get the status of {kind.Kind} objects.", [kind]));
        get.Subcommands.Add(Verb("all", [], "Get the status of every source, Kustomization, HelmRelease and Canary.",
            [.. FluxKind.All, FluxKind.Canary]));
        return get;
    }

    private static Command Verb(string name, string[] aliases, string description, IReadOnlyList<FluxKind> kinds)
    {
        var command = new Command(name, description);
        foreach (var alias in aliases)
            command.Aliases.Add(alias);
        CliAction.Set(command, (parse, ct) => RunAsync(parse, kinds, ct));
        return command;
    }

    private static async Task<int> RunAsync(ParseResult parse, IReadOnlyList<FluxKind> kinds, CancellationToken ct)
    {
        using var kube = ClusterOptions.Connect(parse);
        var ns = ClusterOptions.ListNamespace(parse);
        var filter = Filter(parse.GetValue(StatusSelector));
        var sectioned = kinds.Count > 1;
        var first = true;
        foreach (var kind in kinds)
        {
            // `get all` shows what the cluster serves; one kind asked for by name must be served.
            if (sectioned && !await FluxObjects.IsServedAsync(kube, kind, ct))
                continue;
            var items = (await FluxObjects.ListAsync(kube, kind, ns, ct)).Where(filter).ToList();
            if (items.Count == 0)
            {
                if (!sectioned)
                    CliConsole.Failure($"no {kind.Kind} objects found in {(ns is null ? "any" : ns)} namespace");
                continue;
            }
            if (!first)
                CliConsole.Line();
            first = false;
            CliConsole.Table(Headers(ns is null), items.Select(o => Row(kind, o, ns is null, sectioned)));
        }
        if (!parse.GetValue(Watch))
            return 0;
        try
        {
            await Task.WhenAll(kinds.Select(kind => WatchAsync(kube, kind, ns, filter, sectioned, ct)));
        }
        catch (OperationCanceledException) when (ct.IsCancellationRequested)
        {
            // Ctrl+C ends a watch; that is its normal end.
        }
        return 0;
    }

    private static async Task WatchAsync(KubeClient kube, FluxKind kind, string? ns, Func<JsonObject, bool> filter,
        bool sectioned, CancellationToken ct)
    {
        if (sectioned && !await FluxObjects.IsServedAsync(kube, kind, ct))
            return;
        var version = (await kube.ListAsync(kind.ApiVersion, kind.Kind, ns, null, ct)).ResourceVersion;
        await WatchLoop.RunAsync(kube, kind.ApiVersion, kind.Kind, ns, version, change =>
        {
            if (filter(change.Object))
                CliConsole.Table(Headers(ns is null), [Row(kind, change.Object, ns is null, sectioned)], showHeaders: false);
        }, ct);
    }

    private static IReadOnlyList<string> Headers(bool allNamespaces) => allNamespaces
        ? ["NAMESPACE", "NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"]
        : ["NAME", "REVISION", "SUSPENDED", "READY", "MESSAGE"];

    private static IReadOnlyList<string> Row(FluxKind kind, JsonObject obj, bool allNamespaces, bool sectioned)
    {
        var status = StatusRow.Of(kind, obj);
        var name = sectioned ? $"{kind.Kind.ToLowerInvariant()}/{status.Name}" : status.Name;
        var row = new List<string>
        {
            name, status.Revision, status.Suspended ? "True" : "False", status.Ready, status.Message.ReplaceLineEndings(" "),
        };
        if (allNamespaces)
            row.Insert(0, status.Namespace);
        return row;
    }

    /// <summary>`--status-selector type=status` (case-insensitive, as flux compares): keeps the objects whose
    /// condition of that type has that status.</summary>
    private static Func<JsonObject, bool> Filter(string? selector)
    {
        if (string.IsNullOrEmpty(selector))
            return _ => true;
        var parts = selector.Split('=', 2);
        if (parts.Length != 2 || parts[0].Length == 0)
            throw new CliException($"invalid --status-selector '{selector}': expected type=status, e.g. ready=false");
        return obj => (obj["status"]?["conditions"] as JsonArray)?.OfType<JsonObject>().Any(c =>
            string.Equals(c["type"]?.GetValue<string>(), parts[0], StringComparison.OrdinalIgnoreCase) &&
            string.Equals(c["status"]?.GetValue<string>(), parts[1], StringComparison.OrdinalIgnoreCase)) == true;
    }
}
