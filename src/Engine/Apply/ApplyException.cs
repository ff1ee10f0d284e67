using Tide.Engine.Kube;

namespace Tide.Engine.Apply;

/// <summary>An object could not be applied; the message names the object and the API server's reason.</summary>
public sealed class ApplyException(ObjectRef obj, string message, Exception? inner = null)
    : Exception($"{obj} apply failed: {message}", inner)
{
    public ObjectRef Object { get; } = obj;
}
