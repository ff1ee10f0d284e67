namespace Tide.Engine.Artifacts;

/// <summary>Caps on what one archive may unpack to (defaults follow Flux's 100 MiB untar limit).</summary>
public sealed record UnpackLimits
{
    public static UnpackLimits Default { get; } = new();

    public long MaxTotalBytes { get; init; } = 100L * 1024 * 1024;

    public int MaxEntries { get; init; } = 100_000;
}
