using System.Text.Json.Nodes;

namespace Tide.Engine.Apply;

/// <summary>
/// The kustomize.toolkit.fluxcd.io labels and annotations that steer how an object is applied and pruned, read as
/// Flux reads them: from labels or annotations, values compared without case.
/// </summary>
public static class FluxMetadata
{
    public const string Ssa = "kustomize.toolkit.fluxcd.io/ssa";
    public const string Force = "kustomize.toolkit.fluxcd.io/force";
    public const string Prune = "kustomize.toolkit.fluxcd.io/prune";
    public const string Reconcile = "kustomize.toolkit.fluxcd.io/reconcile";

    /// <summary>Never applied nor pruned: <c>reconcile: disabled</c> or <c>ssa: Ignore</c>.</summary>
    public static bool IsExcluded(JsonObject? obj) => Has(obj, Reconcile, "disabled") || Has(obj, Ssa, "Ignore");

    /// <summary>Whether a label or annotation <paramref name="key"/> of <paramref name="obj"/> has
    /// <paramref name="value"/> (any case).</summary>
    public static bool Has(JsonObject? obj, string key, string value) =>
        Matches(obj?["metadata"]?["labels"]?[key], value) || Matches(obj?["metadata"]?["annotations"]?[key], value);

    private static bool Matches(JsonNode? node, string value) =>
        node is JsonValue v && v.TryGetValue<string>(out var text) && string.Equals(text, value, StringComparison.OrdinalIgnoreCase);
}
