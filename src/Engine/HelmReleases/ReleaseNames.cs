using System.Security.Cryptography;
using System.Text;
using Tide.Engine.Api;

namespace Tide.Engine.HelmReleases;

/// <summary>helm-controller's naming rules for the release, its namespaces and the HelmChart it owns.</summary>
public static class ReleaseNames
{
    /// <summary>Helm's limit on a release name.</summary>
    public const int MaxReleaseNameLength = 53;

    /// <summary>spec.releaseName, else "[targetNamespace-]name"; longer than 53 characters it is cut and ends in
    /// the first 12 hex of its SHA-256, as helm-controller shortens it.</summary>
    public static string Release(HelmRelease release)
    {
        var name = release.Spec.ReleaseName is { Length: > 0 } explicitName ? explicitName
            : release.Spec.TargetNamespace is { Length: > 0 } target ? $"{target}-{release.Metadata.Name}"
            : release.Metadata.Name;
        if (name.Length <= MaxReleaseNameLength)
            return name;
        var hash = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(name)))[..12];
        return $"{name[..(MaxReleaseNameLength - hash.Length - 1)]}-{hash}";
    }

    /// <summary>Where the release's objects go.</summary>
    public static string Target(HelmRelease release) =>
        release.Spec.TargetNamespace is { Length: > 0 } target ? target : release.Metadata.NamespaceProperty ?? "default";

    /// <summary>Where the release's storage Secrets live.</summary>
    public static string Storage(HelmRelease release) =>
        release.Spec.StorageNamespace is { Length: > 0 } storage ? storage : release.Metadata.NamespaceProperty ?? "default";

    /// <summary>The HelmChart a chart template creates: "&lt;namespace&gt;-&lt;name&gt;" in the source's namespace.</summary>
    public static (string Namespace, string Name) HelmChart(HelmRelease release)
    {
        var ns = release.Metadata.NamespaceProperty ?? "default";
        var sourceNamespace = release.Spec.Chart?.Spec.SourceRef.Namespace is { Length: > 0 } s ? s : ns;
        return (sourceNamespace, $"{ns}-{release.Metadata.Name}");
    }
}
