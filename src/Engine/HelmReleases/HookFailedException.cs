namespace Tide.Engine.HelmReleases;

/// <summary>A hook failed or did not finish in time; the action that ran it fails.</summary>
public sealed class HookFailedException(string message) : Exception(message);
