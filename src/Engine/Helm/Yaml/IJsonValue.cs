namespace Tide.Engine.Helm.Yaml;

/// <summary>A Go struct that marshals to JSON/YAML as the given map (its exported fields).</summary>
public interface IJsonValue
{
    object? ToJsonValue();
}
