namespace Tide.Engine.Kustomize.Yaml;

public sealed class YScalar(string value) : YNode
{
    public const string StringTag = "!!str";

    public string Value { get; set; } = value;

    public ScalarStyle Style { get; set; } = ScalarStyle.Plain;

    /// <summary>True when the scalar means null under YAML 1.2 core rules (as kyaml reads it).</summary>
    public bool IsNull => Tag is null && Style == ScalarStyle.Plain && Value is "" or "~" or "null" or "Null" or "NULL"
                          || Tag == "!!null";

    public override YNode DeepClone() => new YScalar(Value) { Style = Style, Tag = Tag };

    public override string ToString() => Value;
}
