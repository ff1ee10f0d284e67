namespace Tide.Engine.Kustomize.Yaml;

/// <summary>How a scalar was written in its source; decides its type when untagged (plain scalars are resolved).</summary>
public enum ScalarStyle { Plain, SingleQuoted, DoubleQuoted, Literal, Folded }
