namespace Tide.Engine.HelmReleases;

/// <summary>The values of a HelmRelease cannot be composed (helm-controller's ValuesError).</summary>
public sealed class ValuesException(string message) : Exception(message);
