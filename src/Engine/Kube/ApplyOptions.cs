namespace Tide.Engine.Kube;

/// <summary>Options of a server-side apply.</summary>
public sealed record ApplyOptions
{
    public string FieldManager { get; init; } = "tide";
    /// <summary>Take over fields other managers own (Flux applies with force).</summary>
    public bool Force { get; init; } = true;
    public bool DryRun { get; init; }
}
