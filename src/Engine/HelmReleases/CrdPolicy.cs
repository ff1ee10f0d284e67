using Tide.Engine.Api;

namespace Tide.Engine.HelmReleases;

/// <summary>spec.install.crds / spec.upgrade.crds: what happens to the CustomResourceDefinitions of a chart's crds/
/// directory, with helm-controller's documented defaults (install Create, upgrade Skip).</summary>
public static class CrdPolicy
{
    public const string Skip = "Skip";
    public const string Create = "Create";
    public const string CreateReplace = "CreateReplace";

    public static string For(HelmReleaseSpec spec, bool upgrade) =>
        upgrade ? spec.Upgrade?.Crds ?? Skip
        : spec.Install?.Crds ?? (spec.Install?.SkipCRDs == true ? Skip : Create);
}
