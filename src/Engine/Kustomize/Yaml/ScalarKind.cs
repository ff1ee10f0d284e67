namespace Tide.Engine.Kustomize.Yaml;

public enum ScalarKind { Null, Bool, Int, Float, String }
