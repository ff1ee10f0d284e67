namespace Tide.Engine.HelmReleases;

/// <summary>Helm's release states.</summary>
public static class ReleaseStatus
{
    public const string Deployed = "deployed";
    public const string Superseded = "superseded";
    public const string Failed = "failed";
    public const string Uninstalling = "uninstalling";
    public const string Uninstalled = "uninstalled";
    public const string PendingInstall = "pending-install";
    public const string PendingUpgrade = "pending-upgrade";
    public const string PendingRollback = "pending-rollback";

    public static bool IsPending(string status) => status is PendingInstall or PendingUpgrade or PendingRollback;
}
