namespace Tide.Engine.Helm.Charts;

/// <summary>A loaded chart: metadata, default values, schema, templates, other files and its subcharts.</summary>
public sealed class Chart
{
    public required ChartMetadata Metadata { get; set; }
    public Dictionary<string, object?> Values { get; set; } = [];
    public string? Schema { get; init; }
    public List<ChartFile> Templates { get; init; } = [];

    /// <summary>Every other file (not Chart.yaml, values.yaml, the schema, templates/ or charts/): .Files.</summary>
    public List<ChartFile> Files { get; init; } = [];

    public List<Chart> Dependencies { get; set; } = [];
    public Chart? Parent { get; set; }

    public string Name => Metadata.Name;
    public bool IsRoot => Parent is null;
    public bool IsLibrary => Metadata.Type == "library";

    /// <summary>"parent/charts/child": the path prefix of template names and `# Source:` lines.</summary>
    public string FullPath => Parent is null ? Name : Parent.FullPath + "/charts/" + Name;

    /// <summary>A shallow copy under another name (how Helm applies a dependency alias).</summary>
    public Chart CopyAs(string alias) => new()
    {
        Metadata = Metadata.CopyAs(alias, isRoot: false),
        Values = Values,
        Schema = Schema,
        Templates = Templates,
        Files = Files,
        Dependencies = Dependencies,
        Parent = Parent,
    };
}
