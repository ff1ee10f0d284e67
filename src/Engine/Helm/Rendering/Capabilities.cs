using Tide.Engine.Helm.Charts;
using Tide.Engine.Helm.Template;

namespace Tide.Engine.Helm.Rendering;

/// <summary>.Capabilities as `helm template` v4.1.4 reports it without a cluster: Kubernetes v1.35.0 and the
/// API versions client-go knows.</summary>
public sealed partial class Capabilities : IGoObject
{
    /// <summary>The default API versions of helm v4.1.4 (`helm template` prints these for .Capabilities.APIVersions).</summary>
    public static readonly IReadOnlyList<string> DefaultApiVersions =
    [
        "v1", "admissionregistration.k8s.io/v1", "admissionregistration.k8s.io/v1alpha1",
        "admissionregistration.k8s.io/v1beta1", "internal.apiserver.k8s.io/v1alpha1", "apps/v1", "apps/v1beta1",
        "apps/v1beta2", "authentication.k8s.io/v1", "authentication.k8s.io/v1alpha1", "authentication.k8s.io/v1beta1",
        "authorization.k8s.io/v1", "authorization.k8s.io/v1beta1", "autoscaling/v1", "autoscaling/v2",
        "autoscaling/v2beta1", "autoscaling/v2beta2", "batch/v1", "batch/v1beta1", "certificates.k8s.io/v1",
        "certificates.k8s.io/v1beta1", "certificates.k8s.io/v1alpha1", "coordination.k8s.io/v1alpha2",
        "coordination.k8s.io/v1beta1", "coordination.k8s.io/v1", "discovery.k8s.io/v1", "discovery.k8s.io/v1beta1",
        "events.k8s.io/v1", "events.k8s.io/v1beta1", "extensions/v1beta1", "flowcontrol.apiserver.k8s.io/v1",
        "flowcontrol.apiserver.k8s.io/v1beta1", "flowcontrol.apiserver.k8s.io/v1beta2",
        "flowcontrol.apiserver.k8s.io/v1beta3", "networking.k8s.io/v1", "networking.k8s.io/v1beta1", "node.k8s.io/v1",
        "node.k8s.io/v1alpha1", "node.k8s.io/v1beta1", "policy/v1", "policy/v1beta1", "rbac.authorization.k8s.io/v1",
        "rbac.authorization.k8s.io/v1beta1", "rbac.authorization.k8s.io/v1alpha1", "resource.k8s.io/v1",
        "resource.k8s.io/v1beta2", "resource.k8s.io/v1beta1", "resource.k8s.io/v1alpha3",
        "scheduling.k8s.io/v1alpha1", "scheduling.k8s.io/v1beta1", "scheduling.k8s.io/v1", "storage.k8s.io/v1beta1",
        "storage.k8s.io/v1", "storage.k8s.io/v1alpha1", "storagemigration.k8s.io/v1beta1",
        "apiextensions.k8s.io/v1beta1", "apiextensions.k8s.io/v1",
    ];

    public Capabilities(KubeVersionInfo kubeVersion, IEnumerable<string>? extraApiVersions = null)
    {
        KubeVersion = kubeVersion;
        ApiVersions = new VersionSet([.. DefaultApiVersions, .. extraApiVersions ?? []]);
    }

    public KubeVersionInfo KubeVersion { get; }
    public VersionSet ApiVersions { get; }

    public string GoType => "*common.Capabilities";

    public bool TryGetMember(string name, object?[] args, out object? value)
    {
        value = name switch
        {
            "KubeVersion" => KubeVersion,
            "APIVersions" => ApiVersions,
            "HelmVersion" => HelmBuildInfo.Instance,
            _ => null,
        };
        return value is not null;
    }

    /// <summary>Kubernetes version as helm's ParseKubeVersion reads --kube-version: Version keeps the text (with a
    /// "v"), String() is the normalized "v" + numbers that kubeVersion constraints are checked against.</summary>
    public sealed partial class KubeVersionInfo : IGoObject
    {
        public KubeVersionInfo(string version)
        {
            var m = GenericVersion().Match(version);
            if (!m.Success)
                throw new ChartException($"invalid kube version '{version}': could not parse \"{version}\" as version");
            var components = m.Groups[1].Value.Split('.');
            if (components.Length < 2)
                throw new ChartException($"invalid kube version '{version}': illegal version string \"{version}\"");
            Version = version.StartsWith('v') ? version : "v" + version;
            Normalized = "v" + string.Join('.', components.Select(c => ulong.Parse(c, System.Globalization.CultureInfo.InvariantCulture)));
            Major = components[0].TrimStart('0') is { Length: > 0 } major ? major : "0";
            Minor = components[1].TrimStart('0') is { Length: > 0 } minor ? minor : "0";
        }

        [System.Text.RegularExpressions.GeneratedRegex(@"^\s*v?([0-9]+(?:\.[0-9]+)*)(.*)*$")]
        private static partial System.Text.RegularExpressions.Regex GenericVersion();

        public string Version { get; }
        public string Normalized { get; }
        public string Major { get; }
        public string Minor { get; }

        public string GoType => "*common.KubeVersion";

        public bool TryGetMember(string name, object?[] args, out object? value)
        {
            value = name switch
            {
                "Version" or "GitVersion" => Version,
                "String" => Normalized,
                "Major" => Major,
                "Minor" => Minor,
                _ => null,
            };
            return value is not null;
        }

        public override string ToString() => Normalized;
    }

    /// <summary>Go's VersionSet: a []string of "group/version" (and "group/version/Kind") entries, so `range`,
    /// `has`, `len` and `toJson` see a list, with the Has method.</summary>
    public sealed class VersionSet : List<object?>, IGoObject
    {
        public VersionSet(IEnumerable<string> versions)
            : base(versions)
        {
        }

        public string GoType => "common.VersionSet";

        public bool TryGetMember(string name, object?[] args, out object? value)
        {
            value = null;
            if (name != "Has")
                return false;
            if (args.Length != 1 || args[0] is not string s)
                throw new FunctionException($"wrong number of args for Has: want 1 got {args.Length}");
            value = Contains(s);
            return true;
        }
    }

    private sealed class HelmBuildInfo : IGoObject
    {
        public static readonly HelmBuildInfo Instance = new();

        public string GoType => "version.BuildInfo";

        public bool TryGetMember(string name, object?[] args, out object? value)
        {
            value = name switch
            {
                "Version" => "v4.1.4",
                "GitCommit" => "05fa37973dc9e42b76e1d2883494c87174b6074f",
                "GitTreeState" => "clean",
                "GoVersion" => "go1.25.9",
                "KubeClientVersion" => "v1.35",
                _ => null,
            };
            return value is not null;
        }

        public override string ToString() => "{v4.1.4 05fa37973dc9e42b76e1d2883494c87174b6074f clean go1.25.9 v1.35}";
    }
}
