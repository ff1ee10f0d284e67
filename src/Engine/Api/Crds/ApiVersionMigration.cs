using System.Text.RegularExpressions;

namespace Tide.Engine.Api.Crds;

/// <summary>
/// Rewrites the apiVersion of Flux objects written in a version Flux removed (the deprecated versions of
/// <see cref="Crds"/>) to the version served today, as `flux migrate -f` does: line by line, so comments, key order,
/// quoting and templates around the objects stay as they were. Only top-level apiVersion lines of documents whose
/// top-level kind is known are touched.
/// </summary>
public static partial class ApiVersionMigration
{
    /// <summary>One rewritten apiVersion: where (1-based line), which kind, from and to.</summary>
    public sealed record Change(int Line, string Kind, string From, string To);

    private static readonly Dictionary<(string ApiVersion, string Kind), string> Current = Crds.All
        .SelectMany(d => d.DeprecatedVersions.Select(v => (Key: ($"{d.Group}/{v}", d.Kind), Value: $"{d.Group}/{d.Version}")))
        .ToDictionary(e => e.Key, e => e.Value);

    public static (string Text, IReadOnlyList<Change> Changes) Migrate(string text)
    {
        var lines = text.Split('\n');
        var changes = new List<Change>();
        var start = 0;
        for (var i = 0; i <= lines.Length; i++)
        {
            if (i < lines.Length && !DocumentSeparator().IsMatch(lines[i]))
                continue;
            MigrateDocument(lines, start, i, changes);
            start = i + 1;
        }
        return (string.Join('\n', lines), changes);
    }

    private static void MigrateDocument(string[] lines, int start, int end, List<Change> changes)
    {
        int? apiVersionLine = null;
        string? apiVersion = null, kind = null;
        for (var i = start; i < end; i++)
        {
            var field = TopLevelField().Match(lines[i]);
            if (!field.Success)
                continue;
            var value = field.Groups["value"].Value.Trim('"', '\'');
            if (field.Groups["key"].Value == "apiVersion" && apiVersion is null)
                (apiVersionLine, apiVersion) = (i, value);
            else if (field.Groups["key"].Value == "kind" && kind is null)
                kind = value;
        }
        if (apiVersionLine is not { } line || apiVersion is null || kind is null || !Current.TryGetValue((apiVersion, kind), out var current))
            return;
        lines[line] = lines[line].Replace(apiVersion, current, StringComparison.Ordinal);
        changes.Add(new Change(line + 1, kind, apiVersion, current));
    }

    [GeneratedRegex(@"^---\s*(#.*)?\r?$")]
    private static partial Regex DocumentSeparator();

    [GeneratedRegex(@"^(?<key>apiVersion|kind):\s*(?<value>[^\s#]+)")]
    private static partial Regex TopLevelField();
}
