namespace Tide.Engine.Api;

/// <summary>How readiness is awaited (kstatus poller, or Helm's legacy wait).</summary>
public sealed record WaitStrategy
{
    [SchemaEnum("poller", "legacy")]
    public required string Name { get; init; }
}
