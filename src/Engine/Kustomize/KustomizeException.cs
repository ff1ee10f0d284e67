namespace Tide.Engine.Kustomize;

/// <summary>A kustomize build failure, with a message worded like kustomize's own.</summary>
public sealed class KustomizeException : Exception
{
    public KustomizeException(string message) : base(message) { }

    public KustomizeException(string message, Exception inner) : base(message, inner) { }
}
