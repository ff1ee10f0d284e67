using Tide.Engine.Helm.Template;
using Tide.Engine.Helm.Yaml;

namespace Tide.Engine.Helm.Charts;

/// <summary>Chart.yaml as Go's chart.Metadata: templates read it as .Chart with Go field names.</summary>
public sealed class ChartMetadata : IGoObject, IJsonValue
{
    private static readonly Dictionary<string, string> Fields = new()
    {
        ["Name"] = "name", ["Home"] = "home", ["Sources"] = "sources", ["Version"] = "version",
        ["Description"] = "description", ["Keywords"] = "keywords", ["Maintainers"] = "maintainers", ["Icon"] = "icon",
        ["APIVersion"] = "apiVersion", ["Condition"] = "condition", ["Tags"] = "tags", ["AppVersion"] = "appVersion",
        ["Deprecated"] = "deprecated", ["Annotations"] = "annotations", ["KubeVersion"] = "kubeVersion",
        ["Type"] = "type",
    };

    private readonly Dictionary<string, object?> _raw;

    public ChartMetadata(Dictionary<string, object?> raw)
    {
        _raw = raw;
        Dependencies = raw.TryGetValue("dependencies", out var d) && d is List<object?> deps
            ? deps.OfType<Dictionary<string, object?>>().Select(ChartDependency.FromMap).ToList()
            : [];
    }

    public string Name
    {
        get => Str("name");
        set => _raw["name"] = value;
    }

    public string Version
    {
        get => Str("version");
        set => _raw["version"] = value;
    }

    public string ApiVersion => Str("apiVersion");
    public string Type => Str("type");
    public string KubeVersion => Str("kubeVersion");
    public bool Deprecated => _raw.GetValueOrDefault("deprecated") is true;
    public List<ChartDependency> Dependencies { get; set; }

    /// <summary>Set on the copy that renders the root chart (Helm adds IsRoot to .Chart).</summary>
    public bool IsRoot { get; init; }

    public ChartMetadata CopyAs(string name, bool isRoot)
    {
        var copy = new ChartMetadata(new Dictionary<string, object?>(_raw)) { IsRoot = isRoot };
        copy.Dependencies = Dependencies.Select(d => d.Clone()).ToList();
        copy.Name = name;
        return copy;
    }

    public ChartMetadata WithRoot(bool isRoot) => new(new Dictionary<string, object?>(_raw)) { IsRoot = isRoot, Dependencies = Dependencies };

    private string Str(string key) => _raw.TryGetValue(key, out var v) && v is not null ? GoValue.Format(v) : "";

    public string GoType => "chart.Metadata";

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        if (name == "Dependencies")
        {
            value = Dependencies.Select(d => (object?)d).ToList();
            return true;
        }
        if (name == "IsRoot")
        {
            value = IsRoot;
            return true;
        }
        if (!Fields.TryGetValue(name, out var key))
        {
            // helm v4 hands .Chart to templates as a map: an unknown field is a missing key, not an error.
            value = null;
            return true;
        }
        _raw.TryGetValue(key, out value);
        value ??= name switch
        {
            "Deprecated" => false,
            "Sources" or "Keywords" or "Maintainers" or "Tags" or "Annotations" => null,
            _ => "",
        };
        if (value is not null and not string and not bool && name is not ("Sources" or "Keywords" or "Maintainers" or "Annotations"))
            value = GoValue.Format(value);
        return true;
    }

    public object? ToJsonValue()
    {
        var map = new Dictionary<string, object?>();
        foreach (var (k, v) in _raw)
            if (k != "dependencies" && v is not null)
                map[k] = v;
        return map;
    }

    public override string ToString() => GoJson.Marshal(ToJsonValue());
}
