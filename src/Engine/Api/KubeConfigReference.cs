namespace Tide.Engine.Api;

/// <summary>Where to find the kubeconfig of a remote cluster: a ConfigMap (cloud providers) or a Secret.</summary>
public sealed record KubeConfigReference
{
    public LocalObjectReference? ConfigMapRef { get; init; }

    public SecretKeyReference? SecretRef { get; init; }
}
