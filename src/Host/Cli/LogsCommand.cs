using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Host.Runtime;

namespace Tide.Host.Cli;

/// <summary>
/// `tide logs`, as `flux logs`: the log records of every running Tide node (found through their node Leases in
/// --flux-namespace, each read from the node's own /logs endpoint), oldest first, as
/// "ts level Kind/name.namespace - msg error"; filtered by --kind, --name, --level and the objects' namespace (-n, or
/// -A for all), cut by --since and --tail; --follow keeps printing new records.
/// </summary>
public static class LogsCommand
{
    private static readonly TimeSpan FollowInterval = TimeSpan.FromSeconds(1);

    public static Command Create()
    {
        var kind = new Option<string?>("--kind") { Description = "Only records of objects of this kind, e.g. Kustomization." };
        var name = new Option<string?>("--name") { Description = "Only records of objects of this name." };
        var level = new Option<string?>("--level") { Description = "Only records of this level: debug, info or error." };
        var tail = new Option<int>("--tail") { Description = "The number of records to show (-1: all).", DefaultValueFactory = _ => -1 };
        var since = new Option<string?>("--since") { Description = "Only records newer than this duration, e.g. 5m." };
        var follow = new Option<bool>("--follow", "-f") { Description = "Keep printing new records." };
        var fluxNamespace = new Option<string>("--flux-namespace")
        {
            Description = "The namespace where the Tide nodes announce themselves.",
            DefaultValueFactory = _ => ClusterOptions.DefaultNamespace,
        };
        var command = ClusterOptions.AddTo(new Command("logs", "Display the logs of the Tide nodes.")
        {
            kind, name, level, tail, since, follow, fluxNamespace,
        });
        CliAction.Set(command, async (parse, ct) =>
        {
            if (parse.GetValue(level) is { } wanted && wanted is not ("debug" or "info" or "error"))
                throw new CliException($"invalid --level '{wanted}': use one of debug, info, error");
            TimeSpan? newer = null;
            if (parse.GetValue(since) is { } text)
                newer = GoDuration.TryParse(text, out var duration, out var error) ? duration.Value
                    : throw new CliException($"invalid --since '{text}': {error}");
            using var kube = ClusterOptions.Connect(parse);
            var nodes = (await TideNodes.UpAsync(kube, parse.GetValue(fluxNamespace), ct)).Where(n => n.LogsUrl is not null).ToList();
            if (nodes.Count == 0)
                throw new CliException($"no running Tide node serving its logs found in namespace '{parse.GetValue(fluxNamespace)}'");
            var filter = new Filter(parse.GetValue(kind), parse.GetValue(name), parse.GetValue(level), ClusterOptions.ListNamespace(parse));
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(30) };
            var last = new Dictionary<string, long>(StringComparer.Ordinal);
            var records = new List<JsonObject>();
            foreach (var node in nodes)
                records.AddRange(await ReadAsync(http, node.LogsUrl!, last, ct));
            var cutoff = newer is { } age ? DateTimeOffset.UtcNow - age : (DateTimeOffset?)null;
            var shown = records.Where(filter.Matches).Where(r => cutoff is null || Timestamp(r) >= cutoff)
                .OrderBy(Timestamp).ToList();
            var count = parse.GetValue(tail);
            foreach (var record in count >= 0 ? shown.TakeLast(count) : shown)
                CliConsole.Line(Format(record));
            if (!parse.GetValue(follow))
                return 0;
            try
            {
                while (true)
                {
                    await Task.Delay(FollowInterval, ct);
                    var fresh = new List<JsonObject>();
                    foreach (var node in nodes)
                        fresh.AddRange(await ReadAsync(http, node.LogsUrl!, last, ct));
                    foreach (var record in fresh.Where(filter.Matches).OrderBy(Timestamp))
                        CliConsole.Line(Format(record));
                }
            }
            catch (OperationCanceledException) when (ct.IsCancellationRequested)
            {
                // Ctrl+C ends --follow.
            }
            return 0;
        });
        return command;
    }

    /// <summary>The node's records after the last one read from it (all on the first call).</summary>
    private static async Task<IReadOnlyList<JsonObject>> ReadAsync(HttpClient http, string url, Dictionary<string, long> last,
        CancellationToken ct)
    {
        try
        {
            using var response = await http.GetAsync($"{url}?after={last.GetValueOrDefault(url)}", ct);
            response.EnsureSuccessStatusCode();
            if (response.Headers.TryGetValues(MetricsServer.LastHeader, out var values) &&
                long.TryParse(values.First(), CultureInfo.InvariantCulture, out var seq))
                last[url] = seq;
            var body = await response.Content.ReadAsStringAsync(ct);
            return body.Split('\n', StringSplitOptions.RemoveEmptyEntries)
                .Select(line => JsonNode.Parse(line) as JsonObject)
                .OfType<JsonObject>()
                .ToList();
        }
        catch (Exception e) when (e is HttpRequestException or JsonException or TaskCanceledException && !ct.IsCancellationRequested)
        {
            throw new CliException($"cannot read the logs of the node at {url}: {e.Message}");
        }
    }

    private static DateTimeOffset Timestamp(JsonObject record) =>
        DateTimeOffset.TryParse(record["ts"]?.ToString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at : DateTimeOffset.MinValue;

    /// <summary>flux logs' line: ts level Kind[/name.namespace] - msg error.</summary>
    public static string Format(JsonObject record)
    {
        var kind = record["controllerKind"]?.ToString() ?? "";
        var name = record["name"]?.ToString() ?? "";
        var target = name.Length > 0 ? $"{kind}/{name}.{record["namespace"]}" : kind;
        return $"{record["ts"]} {record["level"]} {target} - {record["msg"]} {record["error"]}".TrimEnd();
    }

    private sealed record Filter(string? Kind, string? Name, string? Level, string? Namespace)
    {
        public bool Matches(JsonObject record) =>
            (Level is null || Level == record["level"]?.ToString()) &&
            (Kind is null || string.Equals(Kind, record["controllerKind"]?.ToString(), StringComparison.OrdinalIgnoreCase)) &&
            (Name is null || string.Equals(Name, record["name"]?.ToString(), StringComparison.OrdinalIgnoreCase)) &&
            (Namespace is null || string.Equals(Namespace, record["namespace"]?.ToString(), StringComparison.OrdinalIgnoreCase));
    }
}
