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

    /// <summary>A copy that a render may mutate (dependency processing rewrites metadata, subchart lists and values)
    /// while files, templates and default values stay shared with this loaded chart.</summary>
    public Chart CloneForRender(Chart? parent = null)
    {
        var clone = new Chart
        {
            Metadata = Metadata.CopyAs(Metadata.Name, isRoot: false),
            Values = Values,
            Schema = Schema,
            Templates = Templates,
            Files = Files,
            Parent = parent,
        };
        clone.Dependencies = Dependencies.Select(d => d.CloneForRender(clone)).ToList();
        return clone;
    }

    /// <summary>A copy under another name (how Helm applies a dependency alias).</summary>
    public Chart CopyAs(string alias)
    {
        var copy = CloneForRender(Parent);
        copy.Metadata.Name = alias;
        return copy;
    }
}
