namespace Tide.Engine.Kustomize.Yaml;

/// <summary>
/// A YAML node that keeps what kustomize keeps: key order, scalar style and tags (like kyaml's RNode).
/// Manifests stay in this form through the whole build; only the writer turns them into text.
/// </summary>
public abstract class YNode
{
    /// <summary>An explicit tag such as "!!str", or null when the node had none.</summary>
    public string? Tag { get; set; }

    public abstract YNode DeepClone();

    public static YScalar Str(string value) => new(value) { Tag = YScalar.StringTag };
}
