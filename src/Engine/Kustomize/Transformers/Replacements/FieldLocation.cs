using Tide.Engine.Kustomize.Yaml;

namespace Tide.Engine.Kustomize.Transformers.Replacements;

/// <summary>A place a field path reached: read or replace the value there.</summary>
public sealed record FieldLocation(Func<YNode?> Get, Action<YNode> Set);
