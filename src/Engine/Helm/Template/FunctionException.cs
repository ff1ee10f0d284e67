namespace Tide.Engine.Helm.Template;

/// <summary>Thrown by template functions; the executor wraps it as Go's "error calling NAME: message".</summary>
public sealed class FunctionException(string message, bool isFail = false) : Exception(message)
{
    /// <summary>True for `fail` and `required`: Helm reports these as "execution error at (...)".</summary>
    public bool IsFail { get; } = isFail;
}
