namespace Tide.Engine.Kustomize.Transformers;

/// <summary>One step of a build that changes the resource set in place.</summary>
public interface ITransformer
{
    void Transform(ResourceMap resources);
}
