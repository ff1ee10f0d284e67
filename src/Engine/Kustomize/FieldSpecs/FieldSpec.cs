namespace Tide.Engine.Kustomize.FieldSpecs;

/// <summary>A field path in resources of a given group/version/kind (empty parts match anything).</summary>
public sealed record FieldSpec(Gvk Gvk, string Path, bool Create)
{
    public static FieldSpec Any(string path, bool create = false) => new(new Gvk("", "", ""), path, create);

    /// <summary>Reads a fieldSpec mapping: {group, version, kind, path, create}.</summary>
    public static FieldSpec FromYaml(Yaml.YMapping m) => new(
        new Gvk(m.GetString("group") ?? "", m.GetString("version") ?? "", m.GetString("kind") ?? ""),
        m.GetString("path") ?? "",
        m.GetString("create") is "true" or "True");

    public static List<FieldSpec> ListFromYaml(Yaml.YNode? node) =>
        node is Yaml.YSequence seq ? seq.Items.OfType<Yaml.YMapping>().Select(FromYaml).ToList() : [];
}
