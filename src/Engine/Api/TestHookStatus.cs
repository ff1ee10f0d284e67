namespace Tide.Engine.Api;

/// <summary>The last run of one test hook.</summary>
public sealed record TestHookStatus
{
    public DateTimeOffset? LastStarted { get; init; }

    public DateTimeOffset? LastCompleted { get; init; }

    public string? Phase { get; init; }
}
