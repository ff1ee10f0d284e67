using Tide.Engine.Kustomize.Transformers.Patches;

namespace Tide.Engine.Kustomize.Transformers.ValueAdd;

/// <summary>A ValueAddTransformer target: which resources, which field, and where in a path-like value to insert.</summary>
public sealed record ValueAddTarget(Selector? Selector, string FieldPath, int FilePathPosition);
