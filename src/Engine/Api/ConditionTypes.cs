namespace Tide.Engine.Api;

/// <summary>Condition types of Flux's APIs (fluxcd/pkg apis/meta and the controllers' api packages).</summary>
public static class ConditionTypes
{
    // Generic (kstatus): Ready is normal polarity; Reconciling and Stalled are present only when True.
    public const string Ready = "Ready";
    public const string Reconciling = "Reconciling";
    public const string Stalled = "Stalled";
    public const string Healthy = "Healthy";

    // Sources (source-controller).
    public const string ArtifactInStorage = "ArtifactInStorage";
    public const string ArtifactOutdated = "ArtifactOutdated";
    public const string SourceVerified = "SourceVerified";
    public const string FetchFailed = "FetchFailed";
    public const string BuildFailed = "BuildFailed";
    public const string StorageOperationFailed = "StorageOperationFailed";
    public const string IncludeUnavailable = "IncludeUnavailable";
}
