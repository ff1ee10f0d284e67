using System.CommandLine;
using Tide.Engine.Api.Crds;

namespace Tide.Host.Cli;

/// <summary>
/// `tide migrate -f PATH`: rewrites, in the manifests under PATH (a file or a directory, recursively), the
/// apiVersion of Flux objects written in a version Flux removed to the one served today, as `flux migrate -f` does.
/// The cluster needs no migration: it serves every version of an object (they share one schema).
/// </summary>
public static class MigrateCommand
{
    public static Command Create()
    {
        var path = new Option<string>("--path", "-f") { Description = "A manifest file or a directory of manifests.", Required = true };
        var extensions = new Option<string[]>("--extensions", "-e")
        {
            Description = "File extensions to migrate.",
            DefaultValueFactory = _ => [".yaml", ".yml"],
            AllowMultipleArgumentsPerToken = true,
        };
        var dryRun = new Option<bool>("--dry-run") { Description = "Print what would change; write nothing." };
        var command = new Command("migrate", "Migrate Flux objects in manifests to their current API versions.");
        command.Options.Add(path);
        command.Options.Add(extensions);
        command.Options.Add(dryRun);
        command.SetAction(parse =>
        {
            var root = parse.GetValue(path)!;
            var suffixes = parse.GetValue(extensions)!.SelectMany(e => e.Split(',', StringSplitOptions.RemoveEmptyEntries)).ToList();
            try
            {
                var files = File.Exists(root) ? [root]
                    : Directory.Exists(root) ? Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
                        .Where(f => suffixes.Any(s => f.EndsWith(s, StringComparison.OrdinalIgnoreCase)))
                        .Order(StringComparer.Ordinal).ToList()
                    : throw new CliException($"path '{root}' does not exist");
                var changed = 0;
                foreach (var file in files)
                {
                    var (text, changes) = ApiVersionMigration.Migrate(File.ReadAllText(file));
                    foreach (var change in changes)
                        CliConsole.Success($"{file}:{change.Line}: {change.Kind} {change.From} -> {change.To}");
                    if (changes.Count == 0)
                        continue;
                    changed++;
                    if (!parse.GetValue(dryRun))
                        File.WriteAllText(file, text);
                }
                CliConsole.Success(changed == 0 ? "no manifests to migrate"
                    : $"{changed} file(s) {(parse.GetValue(dryRun) ? "would be migrated" : "migrated")}");
                return 0;
            }
            catch (Exception e) when (e is CliException or IOException or UnauthorizedAccessException)
            {
                CliConsole.Failure(e.Message);
                return 1;
            }
        });
        return command;
    }
}
