using System.CommandLine;
using System.Text.Json.Nodes;
using Tide.Engine.Kube;

namespace Tide.Host.Cli;

/// <summary>
/// `tide diff kustomization NAME --path DIR`: builds DIR as the Kustomization would, server-side dry-runs every
/// object against the cluster and prints what would change (created, drifted field by field, deleted by prune).
/// Exit 1 when anything differs, 0 when the cluster already matches, as `flux diff ks`.
/// </summary>
public static class DiffCommand
{
    public static Command Create()
    {
        var diff = ClusterOptions.AddTo(new Command("diff", "Diff a Flux Kustomization against the cluster."));
        var name = LocalBuild.NameArgument();
        var path = LocalBuild.PathOption();
        var kustomization = new Command("kustomization", "Diff a Kustomization's local manifests against the cluster.") { name, path };
        kustomization.Aliases.Add("ks");
        CliAction.Set(kustomization, async (parse, ct) =>
        {
            using var kube = ClusterOptions.Connect(parse);
            var ns = parse.GetValue(ClusterOptions.Namespace)!;
            var (ks, objects) = await LocalBuild.BuildAsync(kube, ns, parse.GetValue(name)!, parse.GetValue(path)!, ct);
            var differs = false;
            var built = new HashSet<string>(StringComparer.Ordinal);
            foreach (var obj in objects)
            {
                var target = ObjectRef.Of(obj);
                built.Add(target.InventoryId);
                var live = await kube.GetAsync(target, ct);
                if (live is null)
                {
                    CliConsole.Line($"► {target} created");
                    differs = true;
                    continue;
                }
                var merged = await kube.ApplyAsync(obj.DeepClone().AsObject(),
                    new ApplyOptions { FieldManager = "tide", Force = true, DryRun = true }, ct);
                var changes = new List<string>();
                Compare("", Normalized(live), Normalized(merged), changes);
                if (changes.Count == 0)
                    continue;
                differs = true;
                CliConsole.Line($"► {target} drifted");
                foreach (var change in changes)
                    CliConsole.Line(change);
            }
            if (ks.Spec.Prune)
            {
                foreach (var entry in ks.Status?.Inventory?.Entries ?? [])
                {
                    if (built.Contains(entry.Id))
                        continue;
                    CliConsole.Line($"► {ObjectRef.FromInventory(entry.Id, entry.Version)} deleted");
                    differs = true;
                }
            }
            if (!differs)
                CliConsole.Success("no changes");
            return differs ? 1 : 0;
        });
        diff.Subcommands.Add(kustomization);
        return diff;
    }

    /// <summary>The object without what only the server's bookkeeping changes.</summary>
    private static JsonObject Normalized(JsonObject obj)
    {
        var copy = obj.DeepClone().AsObject();
        copy.Remove("status");
        if (copy["metadata"] is JsonObject metadata)
        {
            foreach (var key in new[] { "managedFields", "resourceVersion", "generation", "uid", "creationTimestamp" })
                metadata.Remove(key);
        }
        return copy;
    }

    /// <summary>Each difference as flux's diff shows it: the field path, then the old and the new value.</summary>
    private static void Compare(string path, JsonNode? live, JsonNode? merged, List<string> changes)
    {
        if (live is JsonObject a && merged is JsonObject b)
        {
            foreach (var key in a.Select(kv => kv.Key).Union(b.Select(kv => kv.Key)).Order(StringComparer.Ordinal))
            {
                var child = path.Length == 0 ? key : $"{path}.{key}";
                if (!a.ContainsKey(key))
                    changes.Add($"{child}\n  + one field added\n    + {b[key]?.ToJsonString()}");
                else if (!b.ContainsKey(key))
                    changes.Add($"{child}\n  - one field removed\n    - {a[key]?.ToJsonString()}");
                else
                    Compare(child, a[key], b[key], changes);
            }
            return;
        }
        if (!JsonNode.DeepEquals(live, merged))
            changes.Add($"{path}\n  ± value change\n    - {live?.ToJsonString()}\n    + {merged?.ToJsonString()}");
    }
}
