using System.CommandLine;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Tide.Host.Cli;

/// <summary>`tide events [--for Kind/name] [--watch]`: the Kubernetes Events of a namespace (or -A), oldest first,
/// as flux shows them: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE.</summary>
public static class EventsCommand
{
    public static Command Create()
    {
        var forObject = new Option<string?>("--for") { Description = "Only the events of this object, as Kind/name." };
        var watch = new Option<bool>("--watch", "-w") { Description = "After listing, watch for new events." };
        var command = ClusterOptions.AddTo(new Command("events", "Display Kubernetes events for Flux resources.") { forObject, watch });
        CliAction.Set(command, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var ns = ClusterOptions.ListNamespace(parse);
            var filter = Filter(parse.GetValue(forObject));
            var list = await kube.ListAsync("v1", "Event", ns, null, ct);
            var events = list.Items.Where(filter).OrderBy(LastSeen).ToList();
            if (events.Count == 0 && !parse.GetValue(watch))
            {
                CliConsole.Failure($"no events found in {ns ?? "any"} namespace");
                return 0;
            }
            if (events.Count > 0)
                CliConsole.Table(Headers(ns is null), events.Select(e => Row(e, ns is null)));
            if (!parse.GetValue(watch))
                return 0;
            try
            {
                await WatchLoop.RunAsync(kube, "v1", "Event", ns, list.ResourceVersion, change =>
                {
                    if (filter(change.Object))
                        CliConsole.Table(Headers(ns is null), [Row(change.Object, ns is null)], showHeaders: false);
                }, ct);
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C ends a watch.
            }
            return 0;
        });
        return command;
    }

    private static IReadOnlyList<string> Headers(bool allNamespaces) => allNamespaces
        ? ["NAMESPACE", "LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"]
        : ["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"];

    private static IReadOnlyList<string> Row(JsonObject e, bool allNamespaces)
    {
        var involved = e["involvedObject"];
        var row = new List<string>
        {
            Age(LastSeen(e)), e["type"]?.GetValue<string>() ?? "", e["reason"]?.GetValue<string>() ?? "",
            $"{involved?["kind"]?.GetValue<string>()}/{involved?["name"]?.GetValue<string>()}",
            (e["message"]?.GetValue<string>() ?? "").ReplaceLineEndings(" "),
        };
        if (allNamespaces)
            row.Insert(0, FluxObjects.Namespace(e));
        return row;
    }

    private static Func<JsonObject, bool> Filter(string? target)
    {
        if (string.IsNullOrEmpty(target))
            return _ => true;
        var parts = target.Split('/', 2);
        if (parts.Length != 2 || parts[0].Length == 0 || parts[1].Length == 0)
            throw new CliException($"invalid --for '{target}': expected Kind/name, e.g. Kustomization/apps");
        return e => string.Equals(e["involvedObject"]?["kind"]?.GetValue<string>(), parts[0], StringComparison.OrdinalIgnoreCase) &&
                    e["involvedObject"]?["name"]?.GetValue<string>() == parts[1];
    }

    /// <summary>When the event last happened (lastTimestamp, else eventTime, else firstTimestamp).</summary>
    public static DateTimeOffset LastSeen(JsonObject e)
    {
        foreach (var field in new[] { "lastTimestamp", "eventTime", "firstTimestamp" })
        {
            if (e[field]?.GetValue<string>() is { } text &&
                DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at))
                return at;
        }
        return DateTimeOffset.MinValue;
    }

    /// <summary>kubectl's short ages: 45s, 3m12s, 5h, 2d.</summary>
    private static string Age(DateTimeOffset at)
    {
        if (at == DateTimeOffset.MinValue)
            return "<unknown>";
        var age = DateTimeOffset.UtcNow - at;
        return age.TotalSeconds < 1 ? "0s"
            : age.TotalMinutes < 2 ? $"{(int)age.TotalSeconds}s"
            : age.TotalMinutes < 10 ? $"{(int)age.TotalMinutes}m{age.Seconds}s"
            : age.TotalHours < 3 ? $"{(int)age.TotalMinutes}m"
            : age.TotalDays < 2 ? $"{(int)age.TotalHours}h"
            : $"{(int)age.TotalDays}d";
    }
}
