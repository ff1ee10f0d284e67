namespace Tide.Engine.Api;

/// <summary>Condition and event reasons of Flux's APIs (fluxcd/pkg apis/meta and the controllers' api packages).</summary>
public static class ConditionReasons
{
    // Generic (fluxcd/pkg apis/meta).
    public const string Succeeded = "Succeeded";
    public const string Failed = "Failed";
    public const string Progressing = "Progressing";
    public const string ProgressingWithRetry = "ProgressingWithRetry";
    public const string Suspended = "Suspended";
    public const string DependencyNotReady = "DependencyNotReady";
    public const string InvalidPath = "InvalidPath";
    public const string InvalidUrl = "InvalidURL";
    public const string InsecureConnectionsDisallowed = "InsecureConnectionsDisallowed";
    public const string UnsupportedConnectionType = "UnsupportedConnectionType";
    public const string PruneFailed = "PruneFailed";
    public const string ArtifactFailed = "ArtifactFailed";
    public const string BuildFailed = "BuildFailed";
    public const string HealthCheckFailed = "HealthCheckFailed";
    public const string HealthCheckCanceled = "HealthCheckCanceled";
    public const string ReconciliationSucceeded = "ReconciliationSucceeded";
    public const string ReconciliationFailed = "ReconciliationFailed";
    public const string InvalidCelExpression = "InvalidCELExpression";
    public const string FeatureGateDisabled = "FeatureGateDisabled";

    // Sources (source-controller).
    public const string GitOperationSucceeded = "GitOperationSucceeded";
    public const string GitOperationFailed = "GitOperationFailed";
    public const string UrlInvalid = "URLInvalid";
    public const string AuthenticationFailed = "AuthenticationFailed";
    public const string VerificationError = "VerificationError";
    public const string DirectoryCreationFailed = "DirectoryCreationFailed";
    public const string StatOperationFailed = "StatOperationFailed";
    public const string ReadOperationFailed = "ReadOperationFailed";
    public const string AcquireLockFailed = "AcquireLockFailed";
    public const string ArchiveOperationFailed = "ArchiveOperationFailed";
    public const string ArtifactUpToDate = "ArtifactUpToDate";
    public const string CacheOperationFailed = "CacheOperationFailed";
    public const string PatchOperationFailed = "PatchOperationFailed";
    public const string EmptyGitRepository = "EmptyGitRepository";
    public const string SourceIgnoreError = "SourceIgnoreError";

    // Source events.
    public const string NewArtifact = "NewArtifact";
    public const string NewRevision = "NewRevision";
}
