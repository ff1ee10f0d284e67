namespace Tide.Engine.HelmReleases;

/// <summary>Condition types and reasons helm-controller (v2) writes.</summary>
public static class HelmReleaseReasons
{
    public const string Released = "Released";
    public const string TestSuccess = "TestSuccess";
    public const string Remediated = "Remediated";

    public const string InstallSucceeded = "InstallSucceeded";
    public const string InstallFailed = "InstallFailed";
    public const string UpgradeSucceeded = "UpgradeSucceeded";
    public const string UpgradeFailed = "UpgradeFailed";
    public const string TestSucceeded = "TestSucceeded";
    public const string TestFailed = "TestFailed";
    public const string RollbackSucceeded = "RollbackSucceeded";
    public const string RollbackFailed = "RollbackFailed";
    public const string UninstallSucceeded = "UninstallSucceeded";
    public const string UninstallFailed = "UninstallFailed";
    public const string SourceNotReady = "SourceNotReady";
    public const string ValuesError = "ValuesError";
    public const string ArtifactFailed = "ArtifactFailed";
    public const string InvalidChartReference = "InvalidChartReference";
    public const string AccessDenied = "AccessDenied";
    public const string DriftDetected = "DriftDetected";
}
