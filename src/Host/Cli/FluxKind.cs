using System.Text.Json.Nodes;

namespace Tide.Host.Cli;

/// <summary>
/// A Flux kind as the CLI names it: `source git` is GitRepository, `kustomization` is Kustomization. The verbs
/// (get, reconcile, suspend, resume, export) are written once over this table, so a new kind is one entry.
/// </summary>
/// <param name="SourceType">The word after `source`/`sources` (git, oci, ...), null for the appliers.</param>
/// <param name="Aliases">Other words for an applier (ks, hr), as flux accepts them.</param>
public sealed record FluxKind(string Kind, string ApiVersion, string Plural, string? SourceType, params string[] Aliases)
{
    public bool IsSource => SourceType is not null;

    /// <summary>How flux's messages name the kind: "source git", "kustomization".</summary>
    public string HumanName => IsSource ? "source " + SourceType : Kind.ToLowerInvariant();

    /// <summary>The revision the kind shows in `get`: the artifact's for sources, the last applied for appliers.</summary>
    public string Revision(JsonObject obj)
    {
        var status = obj["status"] as JsonObject;
        if (IsSource)
            return status?["artifact"]?["revision"]?.GetValue<string>() ?? "";
        if (Kind == "HelmRelease")
            return (status?["history"] as JsonArray)?.FirstOrDefault()?["chartVersion"]?.GetValue<string>()
                   ?? status?["lastAttemptedRevision"]?.GetValue<string>() ?? "";
        if (Kind == "Canary")
            return status?["lastAppliedSpec"]?.GetValue<string>() ?? "";
        return status?["lastAppliedRevision"]?.GetValue<string>() ?? "";
    }

    /// <summary>What flux prints once a reconcile of this kind succeeded: "fetched revision" or "applied revision".</summary>
    public string RevisionVerb => IsSource ? "fetched revision" : "applied revision";

    public const string SourceGroup = "source.toolkit.fluxcd.io/v1";

    public static readonly FluxKind GitRepository = new("GitRepository", SourceGroup, "gitrepositories", "git");
    public static readonly FluxKind OciRepository = new("OCIRepository", SourceGroup, "ocirepositories", "oci");
    public static readonly FluxKind Bucket = new("Bucket", SourceGroup, "buckets", "bucket");
    public static readonly FluxKind HelmRepository = new("HelmRepository", SourceGroup, "helmrepositories", "helm");
    public static readonly FluxKind HelmChart = new("HelmChart", SourceGroup, "helmcharts", "chart");
    public static readonly FluxKind Kustomization = new("Kustomization", "kustomize.toolkit.fluxcd.io/v1", "kustomizations", null, "kustomization", "ks");
    public static readonly FluxKind HelmRelease = new("HelmRelease", "helm.toolkit.fluxcd.io/v2", "helmreleases", null, "helmrelease", "hr");

    /// <summary>Flagger's Canary: `tide get canaries` (REVISION is the hash of the pod template last applied).</summary>
    public static readonly FluxKind Canary = new("Canary", "flagger.app/v1beta1", "canaries", null, "canary");

    public static IReadOnlyList<FluxKind> Sources { get; } = [GitRepository, OciRepository, Bucket, HelmRepository, HelmChart];

    public static IReadOnlyList<FluxKind> Appliers { get; } = [Kustomization, HelmRelease];

    public static IReadOnlyList<FluxKind> All { get; } = [.. Sources, .. Appliers];

    /// <summary>The kind of a sourceRef (GitRepository, OCIRepository, ...), case-insensitively.</summary>
    public static FluxKind? ByKindName(string kind) =>
        All.FirstOrDefault(k => string.Equals(k.Kind, kind, StringComparison.OrdinalIgnoreCase));
}
