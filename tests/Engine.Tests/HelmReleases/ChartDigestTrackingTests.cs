using Tide.Engine.HelmReleases;
using Tide.Engine.Reconcilers;

namespace Tide.Engine.Tests.HelmReleases;

/// <summary>helm-controller's chart digest tracking for charts from OCIRepository and ExternalArtifact revisions.</summary>
public sealed class ChartDigestTrackingTests
{
    private const string Hex = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    [Theory]
    [InlineData("6.14.1", "6.14.1@sha256:" + Hex, "6.14.1+0123456789ab")]
    [InlineData("1.0.0-rc.1", "1.0.0-rc.1@sha256:" + Hex, "1.0.0-rc.1+0123456789ab")]
    [InlineData("1.0.0+build.7", "1.0.0_build.7@sha256:" + Hex, "1.0.0+0123456789ab")]
    [InlineData("2.0.0", "latest@sha256:" + Hex, "2.0.0+0123456789ab")]
    [InlineData("2.0.0", "sha256:" + Hex, "2.0.0+0123456789ab")]
    public void Apply_PutsTheDigestPrefixInTheVersionMetadata(string chartVersion, string revision, string expected)
    {
        var (version, digest) = ChartDigestTracking.Apply(chartVersion, revision);

        Assert.Equal(expected, version);
        Assert.Equal("sha256:" + Hex, digest);
    }

    [Theory]
    [InlineData("6.14.1", "6.15.0@sha256:" + Hex, "artifact revision 6.15.0 does not match chart version 6.14.1")]
    [InlineData("not-semver", "sha256:" + Hex, "invalid chart version not-semver")]
    [InlineData("1.0.0", "sha256:0123", "invalid artifact revision sha256:0123")]
    public void Apply_Mismatch_ChartMutateError(string chartVersion, string revision, string message)
    {
        var failure = Assert.Throws<ReconcileFailure>(() => ChartDigestTracking.Apply(chartVersion, revision));

        Assert.Equal("ChartMutateError", failure.Reason);
        Assert.Equal(message, failure.Message);
    }

    [Theory]
    [InlineData("6.14.1", false)]
    [InlineData("6.14.1@sha256:" + Hex, true)]
    [InlineData("sha256:" + Hex, true)]
    public void Tracks_OnlyRevisionsThatNameADigest(string revision, bool tracked) =>
        Assert.Equal(tracked, ChartDigestTracking.Tracks(revision));
}
