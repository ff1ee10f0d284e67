namespace Tide.Engine.Helm.Template;

/// <summary>The Go parameter types that matter for argument checks (everything else is interface{}).</summary>
public enum GoParam
{
    Any,
    String,
    Int,
    Int64,
    Float64,
    Bool,
    Map,
    List,

    /// <summary>time.Time: a value whose Go type is time.Time.</summary>
    Time,
}
