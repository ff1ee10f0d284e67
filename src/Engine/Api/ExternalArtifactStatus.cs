namespace Tide.Engine.Api;

/// <summary>The artifact its producer stored, and Ready.</summary>
public sealed record ExternalArtifactStatus
{
    public Artifact? Artifact { get; init; }

    public IReadOnlyList<Condition>? Conditions { get; init; }
}
