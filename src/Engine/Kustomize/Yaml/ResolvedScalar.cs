namespace Tide.Engine.Kustomize.Yaml;

/// <summary>A scalar's type and its canonical text: "true", "511", "0.5", or the string itself.</summary>
public readonly record struct ResolvedScalar(ScalarKind Kind, string Text);
