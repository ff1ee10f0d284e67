namespace Tide.Engine.Api;

/// <summary>CEL expressions deciding the health of a custom resource kind.</summary>
public sealed record CustomHealthCheck
{
    public required string ApiVersion { get; init; }

    public string? Kind { get; init; }

    public required string Current { get; init; }

    public string? InProgress { get; init; }

    public string? Failed { get; init; }
}
