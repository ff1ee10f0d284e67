using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Tide.Engine.Api;
using Tide.Engine.Yaml;
using Tide.Engine.GoCompat;

namespace Tide.Engine.Sources.Helm;

/// <summary>
/// A chart repository's index (index.yaml, or the JSON source-controller stores as the HelmRepository artifact):
/// chart versions by name, and the choice of a version for a semver range as Flux's ChartRepository makes it (the
/// highest matching version; of equal versions, the most recently created).
/// </summary>
public sealed class HelmIndex
{
    private readonly JsonObject _document;

    private HelmIndex(JsonObject document) => _document = document;

    /// <summary>Reads index.yaml (YAML or JSON).</summary>
    /// <exception cref="FormatException">Not a chart repository index.</exception>
    public static HelmIndex Parse(string text)
    {
        JsonNode? node;
        try
        {
            node = YamlJson.Parse(text);
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            throw new FormatException($"failed to load index: {e.Message}", e);
        }
        if (node is not JsonObject document || document["apiVersion"] is null)
            throw new FormatException("failed to load index: no API version specified");
        if (document["entries"] is not null and not JsonObject)
            throw new FormatException("failed to load index: entries is not a map");
        return new HelmIndex(document);
    }

    /// <summary>The index as JSON, the form of the stored artifact.</summary>
    public string ToJson() => _document.ToJsonString(new JsonSerializerOptions { WriteIndented = true });

    /// <summary>The chart version for <paramref name="range"/> ("*" or empty: the latest stable one).</summary>
    /// <exception cref="SourceFetchException">No such chart, or no version matches.</exception>
    public ChartVersionEntry Select(string name, string range)
    {
        if (_document["entries"]?[name] is not JsonArray versions || versions.Count == 0)
            throw new SourceFetchException(HelmChart.ChartPullFailedReason, $"no chart name found: chart '{name}' is not in the repository index");
        var constraint = Constraint(range);
        var candidates = versions.OfType<JsonObject>()
            .Select(Entry)
            .Select(e => (Entry: e, Ok: SemanticVersion.TryParse(e.Version, out var v), Version: v))
            .Where(c => c.Ok && constraint.IsSatisfiedBy(c.Version))
            .OrderByDescending(c => c.Version)
            .ThenByDescending(c => c.Entry.Created ?? DateTimeOffset.MinValue)
            .ToList();
        if (candidates.Count == 0)
            throw new SourceFetchException(HelmChart.ChartPullFailedReason, $"no '{name}' chart with version matching '{range}' found");
        return candidates[0].Entry;
    }

    private static SemverConstraint Constraint(string range)
    {
        var text = range is { Length: > 0 } ? range : "*";
        if (!SemverConstraint.TryParse(text, out var constraint, out var error))
            throw new SourceFetchException(HelmChart.ChartPullFailedReason, $"invalid version/constraint format '{text}': {error}", terminal: true);
        return constraint!;
    }

    private static ChartVersionEntry Entry(JsonObject entry)
    {
        var urls = (entry["urls"] as JsonArray ?? []).Select(Text).OfType<string>().ToList();
        DateTimeOffset? created = DateTimeOffset.TryParse(Text(entry["created"]), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new ChartVersionEntry(Text(entry["name"]) ?? "", Text(entry["version"]) ?? "", urls, Text(entry["digest"]), created);
    }

    /// <summary>A scalar as text: YAML may have read a version such as 1.0 as a number.</summary>
    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.TryGetValue<string>(out var text) ? text : node?.ToJsonString();
}
