namespace Tide.Engine.Kustomize;

/// <summary>What a generated ConfigMap or Secret does when one with its id already exists.</summary>
public enum GeneratorBehavior { Unspecified, Create, Merge, Replace }
