using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Charts;

/// <summary>One entry of Chart.yaml `dependencies` (Go's chart.Dependency), mutable as Helm mutates it while
/// processing conditions, tags, aliases and import-values.</summary>
public sealed class ChartDependency : IGoObject
{
    public string Name { get; set; } = "";
    public string Version { get; init; } = "";
    public string Repository { get; init; } = "";
    public string Condition { get; init; } = "";
    public List<string> Tags { get; init; } = [];
    public bool Enabled { get; set; }
    public List<object?> ImportValues { get; set; } = [];
    public string Alias { get; init; } = "";

    public string GoType => "*chart.Dependency";

    public ChartDependency Clone() => new()
    {
        Name = Name, Version = Version, Repository = Repository, Condition = Condition, Tags = Tags,
        Enabled = Enabled, ImportValues = ImportValues, Alias = Alias,
    };

    public static ChartDependency FromMap(Dictionary<string, object?> m) => new()
    {
        Name = Str(m, "name"),
        Version = Str(m, "version"),
        Repository = Str(m, "repository"),
        Condition = Str(m, "condition"),
        Tags = m.TryGetValue("tags", out var t) && t is List<object?> tags ? tags.Select(x => x?.ToString() ?? "").ToList() : [],
        ImportValues = m.TryGetValue("import-values", out var iv) && iv is List<object?> list ? list : [],
        Alias = Str(m, "alias"),
    };

    private static string Str(Dictionary<string, object?> m, string key) =>
        m.TryGetValue(key, out var v) && v is not null ? GoValue.Format(v) : "";

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = name switch
        {
            "Name" => Name,
            "Version" => Version,
            "Repository" => Repository,
            "Condition" => Condition,
            "Tags" => Tags.Select(x => (object?)x).ToList(),
            "Enabled" => Enabled,
            "ImportValues" => ImportValues,
            "Alias" => Alias,
            _ => null,
        };
        return name is "Name" or "Version" or "Repository" or "Condition" or "Tags" or "Enabled" or "ImportValues" or "Alias";
    }

    public override string ToString() =>
        $"{{{Name} {Version} {Repository} {Condition} [{string.Join(' ', Tags)}] {(Enabled ? "true" : "false")} {GoValue.Format(ImportValues)} {Alias}}}";
}
