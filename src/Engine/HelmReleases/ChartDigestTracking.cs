using Tide.Engine.GoCompat;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.HelmReleases;

/// <summary>
/// helm-controller's chart digest tracking: a chart from a source whose revision carries a digest (an OCIRepository's
/// "&lt;tag&gt;@sha256:&lt;hex&gt;", an ExternalArtifact's "sha256:&lt;hex&gt;") gets the first 12 hex of that digest as
/// its version's build metadata, so a tag pushed again with other content makes a new release.
/// </summary>
public static class ChartDigestTracking
{
    public const string ChartMutateErrorReason = "ChartMutateError";

    /// <summary>Whether a revision of this shape is tracked: it names a digest (HelmChart revisions are chart versions).</summary>
    public static bool Tracks(string revision) => revision.Contains(':', StringComparison.Ordinal);

    /// <summary>The chart version with the revision's digest as metadata, and that digest
    /// (status.lastAttemptedRevisionDigest).</summary>
    /// <exception cref="ReconcileFailure">ChartMutateError: the chart version is not semver, or a semver tag of the
    /// revision is not the chart's version.</exception>
    public static (string Version, string Digest) Apply(string chartVersion, string revision)
    {
        if (!SemanticVersion.TryParse(chartVersion, out var version))
            throw new ReconcileFailure(ChartMutateErrorReason, $"invalid chart version {chartVersion}");
        var at = revision.IndexOf('@', StringComparison.Ordinal);
        var digest = at < 0 ? revision : revision[(at + 1)..];
        if (at >= 0)
        {
            // OCI tags write semver's '+' as '_' (helm push does).
            var tag = revision[..at];
            if (SemanticVersion.TryParse(tag.Replace('_', '+'), out var tagVersion) && !tagVersion.Equals(version))
                throw new ReconcileFailure(ChartMutateErrorReason, $"artifact revision {tag} does not match chart version {chartVersion}");
        }
        var pair = digest.Split(':');
        if (pair.Length != 2 || pair[1].Length < 12)
            throw new ReconcileFailure(ChartMutateErrorReason, $"invalid artifact revision {revision}");
        var prerelease = version.Prerelease.Length > 0 ? "-" + version.Prerelease : "";
        return ($"{version.Major}.{version.Minor}.{version.Patch}{prerelease}+{pair[1][..12]}", digest);
    }
}
